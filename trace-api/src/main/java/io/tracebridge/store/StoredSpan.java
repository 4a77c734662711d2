package io.tracebridge.store;

import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One span's place in its trace, as a store keeps it so that any node can later work out which
 * agent and session a record belongs to (see {@link TraceAssemblyStore}).
 *
 * @param spanId the span's id (16 hex digits)
 * @param parentSpanId its parent's id; null for a root span
 * @param agentId the agent this span <em>is</em> (an {@code invoke_agent} span, or a producer's
 *     agent span), not one it inherits; null for other spans
 * @param agentName the name of that agent; null for other spans
 * @param sessionId the session id the span itself carries, if any
 */
public record StoredSpan(
    String spanId,
    @Nullable String parentSpanId,
    @Nullable String agentId,
    @Nullable String agentName,
    @Nullable String sessionId) {

  public StoredSpan {
    Objects.requireNonNull(spanId, "spanId");
  }

  /** True for an agent's span: one that names an agent of its own. */
  public boolean isAgent() {
    return agentId != null || agentName != null;
  }
}
