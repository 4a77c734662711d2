package io.tracebridge.runtime.agent;

import io.tracebridge.mapper.Usage;
import java.util.Objects;

/**
 * The outcome of one invocation.
 *
 * @param text the final assistant text (the last assistant message's text; may be empty, e.g. on
 *     {@code MaxIterations} after a tool-only turn)
 * @param usage token usage summed over this invocation's model calls
 * @param iterations event-loop cycles run (model calls made)
 * @param traceId 32-hex trace id of the {@code invoke_agent} span (all zeros without an SDK)
 */
public record AgentResult(
    String text, AgentStopReason stopReason, Usage usage, int iterations, String sessionId, String traceId) {
  public AgentResult {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(stopReason, "stopReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(traceId, "traceId");
  }
}
