package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.OtlpFixtures.event;
import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.OtlpFixtures;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookEventMapperTest {
  private final Views views = new Views();
  private final HookEventMapper mapper = new HookEventMapper();

  private static String idOf(String stepKey) {
    return RecordIds.of(OtlpFixtures.TRACE_ID, OtlpFixtures.SPAN_ID, stepKey);
  }

  @Test
  void stepKeysCountEachEventNameWithinTheSpan() {
    Span span = span("execute_tool")
        .addEvents(event("tool_request", 1, kv("tool.name", "a")))
        .addEvents(event("gen_ai.tool.message", 2))
        .addEvents(event("tool_request", 3, kv("tool.name", "b")))
        .addEvents(event("tool_response", 4, kv("tool.output", "x")))
        .build();

    List<FunctionalRecord> records = mapper.map(views.of(span));

    assertThat(records).extracting(FunctionalRecord::recordId).containsExactly(
        idOf("tool_request#0"), idOf("tool_request#1"), idOf("tool_response#0"));
  }

  @Test
  void reasoningComesBeforeItsModelResponseUnderItsOrdinal() {
    Span span = span("chat")
        .addEvents(event("model_response", 1, kv("model.response", "first")))
        .addEvents(event("model_response", 2, kv("model.response", "second"),
            kv("model.reasoning", "thinking")))
        .build();

    List<FunctionalRecord> records = mapper.map(views.of(span));

    assertThat(records).extracting(FunctionalRecord::type).containsExactly(
        RecordType.MODEL_RESPONSE, RecordType.REASONING, RecordType.MODEL_RESPONSE);
    assertThat(records.get(1).recordId()).isEqualTo(idOf("reasoning#1"));
    assertThat(records.get(1).text()).isEqualTo("thinking");
    assertThat(records.get(1).usage()).isNull();
    assertThat(records.get(1).durationMs()).isNull();
  }

  @Test
  void traceParsingErrorReplacesTheStepUnderTheSameKey() {
    Span span = span("invoke_agent a")
        .addEvents(event("agent_response", 1, kv("trace_parsing_error", "boom"),
            kv("agent.input_tokens", 5)))
        .build();

    FunctionalRecord record = mapper.map(views.of(span)).get(0);

    assertThat(record.type()).isEqualTo(RecordType.ERROR);
    assertThat(record.recordId()).isEqualTo(idOf("agent_response#0"));
    assertThat(record.error()).isEqualTo(new RecordError("trace_parsing_error", "boom"));
    assertThat(record.usage()).isNull();
    assertThat(record.durationMs()).isNull();
  }

  @Test
  void durationOnlyOnResponsesAndTimeFallsBackToSpanStart() {
    Span span = span("invoke_agent a")
        .addEvents(Span.Event.newBuilder().setName("agent_prompt")
            .addAttributes(kv("agent.prompt", "hi")))
        .addEvents(event("agent_response", 90, kv("agent.response", "bye")))
        .build();

    List<FunctionalRecord> records = mapper.map(views.of(span));

    assertThat(records.get(0).timestamp()).isEqualTo(Instant.ofEpochSecond(0, OtlpFixtures.T0));
    assertThat(records.get(0).durationMs()).isNull();
    assertThat(records.get(1).durationMs()).isEqualTo(100L);
  }

  @Test
  void modelRequestNamesTheRequestedModel() {
    Span span = span("chat")
        .addAttributes(kv("gen_ai.request.model", "span-model"))
        .addAttributes(kv("gen_ai.response.model", "response-model"))
        .addEvents(event("model_request", 1, kv("model.name", "event-model")))
        .addEvents(event("model_request", 2, kv("model.name", "")))
        .build();

    assertThat(mapper.map(views.of(span))).extracting(FunctionalRecord::model)
        .containsExactly("event-model", "span-model");
  }

  @Test
  void aSpanWithoutHookEventsGivesNothing() {
    assertThat(mapper.map(views.of(span("chat")
        .addEvents(event("gen_ai.choice", 1, kv("message", "m"))).build()))).isEmpty();
  }
}
