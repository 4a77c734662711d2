package io.tracebridge.mapper;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One span of a trace as far as attribution needs it: where it sits in the tree, whether it is an
 * agent span, and the session it carries. {@link SpanMapper} gives one per readable span of a
 * request ({@link MappingResult#spans()}), whether or not the span gave records (a Strands
 * {@code execute_event_loop_cycle} span gives none but links a {@code chat} span to its agent).
 * A receiver keeps them per trace and hands them to {@link TraceAssembly} with the trace's
 * records, so that a record whose agent span arrives in a later export is attributed when it
 * does.
 *
 * <p>An <b>agent span</b> is a GenAI {@code invoke_agent} span (Strands', or any semconv
 * producer's), an OpenInference {@code AGENT} span or root {@code CHAIN} span, a Traceloop
 * {@code agent} span or root {@code workflow} span. Only an agent span has {@link #agentId()} and
 * {@link #agentName()}. Its id is {@code gen_ai.agent.id} when the producer sends one, else
 * {@link #derivedAgentId derived} from the agent's name (Strands sends no agent id).
 *
 * @param traceId W3C trace id (32 hex)
 * @param spanId span id (16 hex)
 * @param parentSpanId the parent span id, null for a root
 * @param agentId the agent's id; non-null exactly when this is an agent span
 * @param agentName the agent's name, when this is an agent span that has one
 * @param sessionId the session id the span carries ({@code session.id}, {@code
 *     gen_ai.conversation.id}, Traceloop's association property, else its resource's {@code
 *     session.id}); null when it carries none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SpanNode(
    String traceId,
    String spanId,
    @Nullable String parentSpanId,
    @Nullable String agentId,
    @Nullable String agentName,
    @Nullable String sessionId) {

  /** The agent id given to an agent span without {@code gen_ai.agent.id}: its agent name. */
  public static String derivedAgentId(String agentName) {
    return Objects.requireNonNull(agentName, "agentName");
  }

  /** Agent and session are cut to {@link IdentityLimits#MAX_IDENTITY_BYTES}, as records' are. */
  public SpanNode {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    agentId = IdentityLimits.cut(agentId);
    agentName = IdentityLimits.cut(agentName);
    sessionId = IdentityLimits.cut(sessionId);
    if (agentName != null && agentId == null) {
      throw new IllegalArgumentException("an agent span (agentName set) needs an agentId");
    }
  }

  /** True if this span is an agent span (see the class comment). */
  @JsonIgnore
  public boolean isAgent() {
    return agentId != null;
  }

  /**
   * This node completed by {@code other}, a node of the same span read from another export:
   * fields this one lacks are taken from {@code other}. When both have a value the smaller string
   * wins, so the result does not depend on which of the two came first.
   */
  public SpanNode mergedWith(SpanNode other) {
    if (!traceId.equals(other.traceId) || !spanId.equals(other.spanId)) {
      throw new IllegalArgumentException("spans " + spanId + " and " + other.spanId + " differ");
    }
    String id = least(agentId, other.agentId);
    return new SpanNode(traceId, spanId, least(parentSpanId, other.parentSpanId), id,
        id == null ? null : least(agentName, other.agentName), least(sessionId, other.sessionId));
  }

  @Nullable
  private static String least(@Nullable String a, @Nullable String b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }
}
