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
}
