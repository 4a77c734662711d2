package io.tracebridge.cloudwatch.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Content events within CloudWatch's limits, cut only as much as needed. */
class ContentLogMapperTest {
  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static SpanInput span(String prompt, String completion) {
    Span span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setName("chat").setEndTimeUnixNano(1_735_725_600_000_000_000L)
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.prompt", prompt))
        .addAttributes(kv("gen_ai.completion", completion))
        .build();
    return new SpanInput(Map.of(), Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span);
  }

  @Test
  void contentUpTo256KbIsKeptWholeNotCutAtAFewKilobytes() throws Exception {
    String prompt = "p".repeat(100_000);
    String completion = "c".repeat(100_000);
    LogEvent event = new ContentLogMapper().event(span(prompt, completion), "t").orElseThrow();

    assertThat(event.truncated()).isFalse();
    JsonNode json = SegmentJson.mapper().readTree(event.message());
    assertThat(json.at("/body/input/messages/0/content").asText()).isEqualTo(prompt);
    assertThat(json.at("/body/output/messages/0/content").asText()).isEqualTo(completion);
  }

  @Test
  void anOversizedEventFillsTheLimitAndSaysTheOriginalSizes() throws Exception {
    String prompt = "p€".repeat(60_000); // 240,000 UTF-8 bytes
    String completion = "c".repeat(200_000);
    LogEvent event = new ContentLogMapper().event(span(prompt, completion), "t").orElseThrow();

    assertThat(event.truncated()).isTrue();
    assertThat(event.messageBytes()).isLessThanOrEqualTo(LogEventBatcher.MAX_MESSAGE_BYTES)
        .isGreaterThan(LogEventBatcher.MAX_MESSAGE_BYTES - 64);
    assertThat(event.messageBytes() + LogEventBatcher.EVENT_OVERHEAD_BYTES).isLessThanOrEqualTo(LogEventBatcher.MAX_EVENT_BYTES);
    JsonNode json = SegmentJson.mapper().readTree(event.message());
    assertThat(json.at("/attributes/tracebridge.truncated").asBoolean()).isTrue();
    assertThat(json.at("/attributes/tracebridge.original_bytes").asInt()).isGreaterThan(440_000);
    String in = json.at("/body/input/messages/0/content").asText();
    String out = json.at("/body/output/messages/0/content").asText();
    List<String> cut = List.of(in, out).stream().filter(s -> s.contains("…[truncated ")).toList();
    assertThat(cut).isNotEmpty();
    assertThat(in).startsWith("p€p€");
    assertThat(in.endsWith("…[truncated 240000 bytes]") || in.equals(prompt)).isTrue();
    assertThat(out.endsWith("…[truncated 200000 bytes]") || out.equals(completion)).isTrue();
    // Far more than a 2 KB preview of each survives: together they fill the event.
    assertThat(JsonFit.utf8(in) + JsonFit.utf8(out)).isGreaterThan(250_000);
  }

  @Test
  void manyMessagesAreCutEvenlyAndAllKept() throws Exception {
    StringBuilder messages = new StringBuilder("[");
    for (int i = 0; i < 300; i++) {
      messages.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"").append(("m" + i + " ").repeat(1000))
          .append("\"}");
    }
    messages.append("]");
    Span span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setName("chat").setEndTimeUnixNano(1_735_725_600_000_000_000L)
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.input.messages", messages.toString()))
        .addAttributes(kv("gen_ai.completion", "done"))
        .build();
    LogEvent event = new ContentLogMapper().event(
        new SpanInput(Map.of(), Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span), "t")
        .orElseThrow();

    assertThat(event.truncated()).isTrue();
    assertThat(event.messageBytes()).isLessThanOrEqualTo(LogEventBatcher.MAX_MESSAGE_BYTES);
    JsonNode json = SegmentJson.mapper().readTree(event.message());
    JsonNode input = json.at("/body/input/messages");
    assertThat(input).hasSize(300);
    for (int i = 0; i < 300; i++) {
      String content = input.get(i).path("content").asText();
      assertThat(content).startsWith("m" + i + " ").contains("…[truncated ");
      // An even cut: every message keeps about the same share of the 256 KB.
      assertThat(JsonFit.utf8(content)).isBetween(700, 900);
    }
    assertThat(json.at("/body/output/messages/0/content").asText()).isEqualTo("done");
  }
}
