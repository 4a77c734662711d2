package io.tracebridge.mapper;

import static io.tracebridge.mapper.OtlpFixtures.event;
import static io.tracebridge.mapper.OtlpFixtures.id;
import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.OtlpFixtures.resourceSpans;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanMapperTest {
  private final SpanMapper mapper = new SpanMapper();

  private static Span promptSpan(String spanIdHex, String prompt) {
    return span("invoke_agent a")
        .setSpanId(id(spanIdHex))
        .addEvents(event("agent_prompt", 1, kv("agent.prompt", prompt)))
        .build();
  }

  @Test
  void rejectsUnreadableSpansAndMapsTheRest() {
    Span shortId = promptSpan("a1b2", "lost");
    Span noTraceId = promptSpan("a1b2c3d4e5f60002", "lost").toBuilder()
        .setTraceId(ByteString.EMPTY).build();
    Span good = promptSpan("a1b2c3d4e5f60003", "kept");

    MappingResult result = mapper.map("t", List.of(resourceSpans(shortId, noTraceId, good)));

    assertThat(result.records()).extracting(FunctionalRecord::text).containsExactly("kept");
    assertThat(result.rejectedSpans()).isEqualTo(2);
    assertThat(result.issues())
        .containsExactly(
            new MappingIssue(OtlpFixtures.TRACE_ID, "a1b2",
                "span rejected: span id must be 8 bytes, got 2"),
            new MappingIssue(null, "a1b2c3d4e5f60002",
                "span rejected: trace id must be 16 bytes, got 0"));
  }

  @Test
  void oddAttributeValuesNeverThrow() {
    AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addValues(AnyValue.newBuilder().setStringValue("x"))).build();
    AnyValue map = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(kv("k", "v"))).build();
    AnyValue bytes = AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("b")).build();
    AnyValue empty = AnyValue.getDefaultInstance();
    Span odd = span("chat")
        .addAttributes(kv("gen_ai.usage.input_tokens", array))
        .addAttributes(kv("gen_ai.usage.output_tokens", "five"))
        .addAttributes(kv("gen_ai.usage.cache_read_input_tokens", 1.5))
        .addAttributes(kv("gen_ai.request.model", map))
        .addAttributes(kv("session.id", bytes))
        .addAttributes(kv("gen_ai.agent.name", empty))
        .addEvents(event("model_response", 5, kv("model.response", array),
            kv("model.input_tokens", "many"), kv("model.finish_reason", true)))
        .addEvents(event("tool_response", 6, kv("tool.name", 42), kv("tool.output", 1.25)))
        .addEvents(Span.Event.newBuilder().setName("agent_response"))
        .build();

    MappingResult result = mapper.map("t", List.of(resourceSpans(odd)));

    assertThat(result.rejectedSpans()).isZero();
    assertThat(result.records()).extracting(FunctionalRecord::type)
        .containsExactly(RecordType.MODEL_RESPONSE, RecordType.TOOL_RESPONSE, RecordType.RESPONSE);
    FunctionalRecord response = result.records().get(0);
    assertThat(response.usage()).isNull();
    assertThat(response.text()).isNull();
    assertThat(response.finishReason()).isEqualTo("true");
    assertThat(result.records().get(1).tool().name()).isEqualTo("42");
    assertThat(result.records().get(2).timestamp()).isEqualTo(
        java.time.Instant.ofEpochSecond(0, OtlpFixtures.T0));
    assertThat(result.issues()).extracting(MappingIssue::reason)
        .allMatch(reason -> reason.endsWith("is not a non-negative whole number; ignored"))
        .isNotEmpty();
  }

  @Test
  void oddOpenLlmetryValuesNeverThrow() {
    AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addValues(AnyValue.newBuilder().setStringValue("x"))).build();
    AnyValue map = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(kv("k", "v"))).build();
    Span chat = span("openai.chat")
        .addAttributes(kv("llm.request.type", map))
        .addAttributes(kv("gen_ai.prompt.0.role", array))
        .addAttributes(kv("gen_ai.prompt.0.content", "[]"))
        .addAttributes(kv("gen_ai.completion.0.tool_calls.0.arguments", map))
        .addAttributes(kv("gen_ai.completion.0.finish_reason", 3))
        .addAttributes(kv("llm.usage.total_tokens", "x"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 2.5))
        .build();
    Span workflow = span("w.workflow").setSpanId(OtlpFixtures.id("a1b2c3d4e5f60009"))
        .addAttributes(kv("traceloop.span.kind", "WORKFLOW"))
        .addAttributes(kv("traceloop.entity.input", array))
        .addAttributes(kv("traceloop.entity.output", "{"))
        .build();

    MappingResult result = mapper.map("t", List.of(resourceSpans(chat, workflow)));

    assertThat(result.rejectedSpans()).isZero();
    assertThat(result.records()).extracting(FunctionalRecord::type).containsExactly(
        RecordType.PROMPT, RecordType.MODEL_REQUEST, RecordType.MODEL_RESPONSE,
        RecordType.TOOL_REQUEST, RecordType.RESPONSE);
    assertThat(result.records().get(2).finishReason()).isEqualTo("3");
    assertThat(result.records().get(2).usage()).isNull();
    assertThat(result.records().get(4).text()).isEqualTo("{");
    assertThat(result.issues()).extracting(MappingIssue::reason)
        .allMatch(reason -> reason.endsWith("is not a non-negative whole number; ignored"))
        .hasSize(2);
  }

  @Test
  void requestAndResourceSpansGiveTheSameRecords() {
    Span good = promptSpan("a1b2c3d4e5f60003", "hello");
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans(good)).build();

    assertThat(mapper.map("t", request)).isEqualTo(mapper.map("t", request.getResourceSpansList()));
  }

  @Test
  void mappingTwiceGivesIdenticalRecords() {
    Span good = promptSpan("a1b2c3d4e5f60003", "hello");

    assertThat(mapper.map("t", List.of(resourceSpans(good))).records())
        .isEqualTo(mapper.map("t", List.of(resourceSpans(good))).records());
  }

  @Test
  void spansWithoutHookEventsGiveNoRecords() {
    Span plain = span("chat").addAttributes(kv("gen_ai.usage.input_tokens", 10))
        .addEvents(event("gen_ai.user.message", 1, kv("content", "hi"))).build();

    MappingResult result = mapper.map("t", List.of(resourceSpans(plain)));

    assertThat(result.records()).isEmpty();
    assertThat(result.issues()).isEmpty();
  }

  @Test
  void emptyInputGivesEmptyResult() {
    assertThat(mapper.map("t", ExportTraceServiceRequest.getDefaultInstance()))
        .isEqualTo(new MappingResult(List.of(), 0, List.of()));
  }

  @Test
  void tenantIsRequired() {
    assertThatThrownBy(() -> mapper.map(null, List.of()))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("tenant");
  }
}
