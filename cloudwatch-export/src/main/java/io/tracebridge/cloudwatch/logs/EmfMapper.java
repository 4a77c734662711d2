package io.tracebridge.cloudwatch.logs;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.OpenInference;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import io.tracebridge.mapper.SpanUsage;
import io.tracebridge.mapper.Usage;
import io.tracebridge.mapper.UsageRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * Token counts as Embedded Metric Format lines, so CloudWatch graphs tokens per agent and model.
 *
 * <p>One line per <b>model call</b> span, as span-mapper's {@link UsageRule#isModelCallSpan}
 * decides (the rule the records billing counts follow): {@code gen_ai.operation.name} is one of
 * {@link UsageRule#MODEL_OPERATIONS} ({@code chat}, {@code text_completion}, {@code
 * generate_content}, and the older {@code completion} and {@code generate} that the mapper also
 * bills), or (without it) OpenInference kind {@code LLM}, or (with neither) any span with token
 * counts. Agent and cycle spans are skipped on purpose: Strands
 * puts the accumulated totals on {@code invoke_agent}, so counting it too would double the sums.
 *
 * <p>Namespace configurable; one dimension set {@code [agent, model]}; {@code agent} is {@code
 * gen_ai.agent.name} (else {@code agent.name}, else resource {@code service.name}, which is how
 * AgentCore names agents), {@code model} is {@code gen_ai.response.model} (else {@code
 * gen_ai.request.model}, else {@code llm.model_name}). Metrics, unit Count: InputTokens,
 * OutputTokens, TotalTokens (input + output), CacheReadTokens, CacheWriteTokens, ReasoningTokens,
 * and ModelCalls = 1. The counts are span-mapper's ({@link SpanUsage}): one definition across
 * TraceBridge, InputTokens <b>including</b> the cached input (cache reads and writes), which
 * CacheReadTokens and CacheWriteTokens break down; a Bedrock Converse style input without the
 * cache is normalised as the records' is. Extra members for Logs Insights: traceId,
 * spanId, session.id, tenant. Immutable.
 */
public final class EmfMapper {
  static final String UNKNOWN = "unknown";
  static final int MAX_DIMENSION_CHARS = 1024;

  private final String namespace;

  public EmfMapper(String namespace) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** The EMF line of a model-call span with token counts, or empty. */
  public Optional<EmfLine> line(SpanInput input, @Nullable String tenant) {
    Map<String, AnyValue> a = Attrs.toMap(input.span().getAttributesList());
    if (!isModelCall(a)) {
      return Optional.empty();
    }
    Usage usage = SpanUsage.of(input.span().getAttributesList());
    if (usage == null) {
      return Optional.empty();
    }

    Map<String, Object> members = new LinkedHashMap<>();
    members.put("agent", dimension(Attrs.firstString(a, GenAi.AGENT_NAME, OpenInference.AGENT_NAME)
        .or(() -> Optional.of(input.serviceName()).filter(s -> !s.isBlank()))));
    members.put("model", dimension(Attrs.firstString(a, GenAi.RESPONSE_MODEL, GenAi.REQUEST_MODEL, OpenInference.MODEL_NAME)));
    List<EmfLine.Metric> metrics = new ArrayList<>();
    metric(metrics, members, "InputTokens", usage.inputTokens());
    metric(metrics, members, "OutputTokens", usage.outputTokens());
    metric(metrics, members, "TotalTokens", usage.totalTokens());
    metric(metrics, members, "CacheReadTokens", usage.cacheReadTokens());
    metric(metrics, members, "CacheWriteTokens", usage.cacheWriteTokens());
    metric(metrics, members, "ReasoningTokens", usage.reasoningTokens());
    metric(metrics, members, "ModelCalls", 1);
    members.put("traceId", Attrs.hex(input.span().getTraceId()));
    members.put("spanId", Attrs.hex(input.span().getSpanId()));
    Attrs.firstString(a, GenAi.SESSION_ID).ifPresent(s -> members.put(GenAi.SESSION_ID, s));
    if (tenant != null) {
      members.put("tenant", tenant);
    }
    long millis = input.span().getEndTimeUnixNano() / 1_000_000L;
    EmfLine.Directive directive = new EmfLine.Directive(namespace, List.of(List.of("agent", "model")), metrics);
    return Optional.of(new EmfLine(new EmfLine.Aws(millis, List.of(directive)), members));
  }

  /** The log event of {@link #line}, or empty. */
  public Optional<LogEvent> event(SpanInput input, @Nullable String tenant) {
    return line(input, tenant).map(l -> new LogEvent(l.aws().timestamp(), SegmentJson.write(l)));
  }

  /** Span-mapper's {@link UsageRule#isModelCallSpan}, the rule billing's records follow too. */
  static boolean isModelCall(Map<String, AnyValue> a) {
    return UsageRule.isModelCallSpan(
        Attrs.firstString(a, GenAi.OPERATION_NAME).orElse(null),
        Attrs.firstString(a, OpenInference.SPAN_KIND).orElse(null));
  }

  private static String dimension(Optional<String> value) {
    String v = value.orElse(UNKNOWN);
    return v.length() > MAX_DIMENSION_CHARS ? v.substring(0, MAX_DIMENSION_CHARS) : v;
  }

  private static void metric(List<EmfLine.Metric> metrics, Map<String, Object> members, String name, long value) {
    metrics.add(new EmfLine.Metric(name, "Count"));
    members.put(name, value);
  }
}
