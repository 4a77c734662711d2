package io.tracebridge.cloudwatch.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.internal.SpanInput;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EMF token counts mean what the records' usage means: input includes the cached input. */
class EmfMapperTest {
  private final EmfMapper mapper = new EmfMapper("TraceBridge");

  private static KeyValue kv(String key, Object value) {
    AnyValue.Builder v = AnyValue.newBuilder();
    if (value instanceof String s) {
      v.setStringValue(s);
    } else {
      v.setIntValue(((Number) value).longValue());
    }
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  private static SpanInput chat(KeyValue... attributes) {
    Span span = Span.newBuilder().setName("chat").addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAllAttributes(java.util.List.of(attributes)).setEndTimeUnixNano(1_000_000_000L).build();
    return new SpanInput(Map.of(), Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span);
  }

  @Test
  void bedrockStyleInputWithoutTheCacheIsCountedWithIt() {
    // Converse's counts as older Strands passed them through: input 200 without the cache.
    EmfLine line = mapper.line(chat(kv("gen_ai.usage.input_tokens", 200),
        kv("gen_ai.usage.output_tokens", 45), kv("gen_ai.usage.total_tokens", 1395),
        kv("gen_ai.usage.cache_read_input_tokens", 1000),
        kv("gen_ai.usage.cache_write_input_tokens", 150)), null).orElseThrow();

    assertThat(line.members()).containsEntry("InputTokens", 1350L).containsEntry("OutputTokens", 45L)
        .containsEntry("TotalTokens", 1395L).containsEntry("CacheReadTokens", 1000L)
        .containsEntry("CacheWriteTokens", 150L);
  }

  @Test
  void inputThatAlreadyIncludesTheCacheIsKept() {
    // Strands 1.62 (and OpenAI's prompt_tokens): the cache is already in the input.
    EmfLine line = mapper.line(chat(kv("gen_ai.usage.input_tokens", 1350),
        kv("gen_ai.usage.output_tokens", 45), kv("gen_ai.usage.total_tokens", 1395),
        kv("gen_ai.usage.cache_read.input_tokens", 1000),
        kv("gen_ai.usage.cache_creation.input_tokens", 150),
        kv("gen_ai.usage.output_tokens_details.reasoning_tokens", 7)), null).orElseThrow();

    assertThat(line.members()).containsEntry("InputTokens", 1350L)
        .containsEntry("CacheWriteTokens", 150L).containsEntry("ReasoningTokens", 7L);
  }

  @Test
  void aSpanWithoutCountsGivesNoLine() {
    assertThat(mapper.line(chat(), null)).isEmpty();
  }

  private static SpanInput span(String operation, KeyValue... attributes) {
    Span span = Span.newBuilder().setName(operation + " m")
        .setTraceId(com.google.protobuf.ByteString.fromHex("5b8efff798038103d269b633813fc60c"))
        .setSpanId(com.google.protobuf.ByteString.fromHex("a1b2c3d4e5f60001"))
        .setStartTimeUnixNano(500_000_000L).setEndTimeUnixNano(1_000_000_000L)
        .addAttributes(kv("gen_ai.operation.name", operation))
        .addAllAttributes(java.util.List.of(attributes)).build();
    return new SpanInput(Map.of(), Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "chat", "text_completion", "generate_content", "completion", "generate", "invoke_agent",
      "execute_event_loop_cycle", "execute_tool", "embeddings"})
  void aLineForExactlyTheSpansBillingCountsAsModelCalls(String operation) {
    // One rule (span-mapper's UsageRule): the EMF metrics count a span's tokens exactly when the
    // mapper makes it a model call whose usage billing counts. The older "completion" and
    // "generate" operations the mapper bills got no EMF line before the rule was shared.
    SpanInput input = span(operation, kv("gen_ai.usage.input_tokens", 100), kv("gen_ai.usage.output_tokens", 10));
    var request = io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder()
            .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder().addSpans(input.span())))
        .build();
    io.tracebridge.mapper.Usage billed = new io.tracebridge.mapper.SpanMapper().map("t", request).records().stream()
        .filter(r -> io.tracebridge.mapper.UsageRule.role(r) == io.tracebridge.mapper.UsageRule.Role.CALL)
        .map(io.tracebridge.mapper.FunctionalRecord::usage)
        .reduce(io.tracebridge.mapper.Usage.ZERO, io.tracebridge.mapper.Usage::plus);

    var line = mapper.line(input, null);

    assertThat(line.isPresent()).as("EMF line").isEqualTo(!billed.isZero());
    line.ifPresent(l -> assertThat(l.members()).containsEntry("InputTokens", billed.inputTokens())
        .containsEntry("OutputTokens", billed.outputTokens()));
  }
}
