package io.tracebridge.mapper.internal;

import io.tracebridge.mapper.SpanNode;
import javax.annotation.Nullable;

/**
 * Which spans are agent spans, and their {@link SpanNode}s: the topology {@link
 * io.tracebridge.mapper.TraceAssembly} attributes records by.
 *
 * <p>An agent span is, by convention: a GenAI {@code invoke_agent} span ({@code
 * gen_ai.operation.name}, or the span name's first word, as Strands names it {@code invoke_agent
 * <name>}); an OpenInference {@code AGENT} span, or a root {@code CHAIN} span (which the
 * OpenInference mapper reads as the agent run); a Traceloop {@code agent} span, or a root {@code
 * workflow} span. Its name is {@code gen_ai.agent.name}, else the convention's own ({@code
 * agent.name}; {@code traceloop.entity.name}, then {@code traceloop.workflow.name}), else what
 * the span name says (after {@code invoke_agent }, or the whole name). Its id is {@code
 * gen_ai.agent.id}, else {@link SpanNode#derivedAgentId} of the name.
 */
final class AgentSpans {
  private static final String INVOKE_AGENT_PREFIX = GenAiAttributes.OPERATION_INVOKE_AGENT + " ";
  private static final String UNNAMED = "agent";

  private AgentSpans() {}

  /** The node of {@code span}. */
  static SpanNode node(SpanView span) {
    Attributes a = span.attributes();
    String session = a.first(GenAiAttributes.SESSION_ID, GenAiAttributes.CONVERSATION_ID,
        GenAiAttributes.TRACELOOP_SESSION_ID);
    String name = isAgent(span) ? name(span) : null;
    String id = null;
    if (name != null) {
      String given = a.get(GenAiAttributes.AGENT_ID);
      id = given != null ? given : SpanNode.derivedAgentId(name);
    }
    SpanIdentity ids = span.ids();
    return new SpanNode(ids.traceId(), ids.spanId(), ids.parentSpanId(), id, name, session);
  }

  static boolean isAgent(SpanView span) {
    if (span.isAgentSpan()) {
      return true;
    }
    boolean root = span.ids().parentSpanId() == null;
    String oi = span.attributes().get(GenAiAttributes.OI_SPAN_KIND);
    if ("AGENT".equals(oi) || ("CHAIN".equals(oi) && root)) {
      return true;
    }
    String traceloop = span.attributes().get(GenAiAttributes.TRACELOOP_SPAN_KIND);
    return "agent".equals(traceloop) || ("workflow".equals(traceloop) && root);
  }

  @Nullable
  private static String name(SpanView span) {
    Attributes a = span.attributes();
    String name = a.first(GenAiAttributes.AGENT_NAME, GenAiAttributes.OI_AGENT_NAME,
        GenAiAttributes.TRACELOOP_ENTITY_NAME, GenAiAttributes.TRACELOOP_WORKFLOW_NAME);
    if (name != null) {
      return name;
    }
    String spanName = span.span().getName().strip();
    if (spanName.startsWith(INVOKE_AGENT_PREFIX)) {
      spanName = spanName.substring(INVOKE_AGENT_PREFIX.length()).strip();
    }
    return spanName.isEmpty() ? UNNAMED : spanName;
  }
}
