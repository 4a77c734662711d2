package io.tracebridge.mapper.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.ToolCall;
import io.tracebridge.mapper.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LegacyTraceViewTest {
  private static final Instant TIME = Instant.parse("2025-01-01T10:00:00.123456789Z");

  private static FunctionalRecord.Builder record(RecordType type) {
    return FunctionalRecord.builder()
        .tenant("t")
        .traceId("5b8efff798038103d269b633813fc60c")
        .spanId("a1b2c3d4e5f60001")
        .recordId("r-" + type.wireName())
        .type(type)
        .timestamp(TIME)
        .dialect(Dialect.HOOK_EVENTS);
  }

  private static LegacyTrace legacy(FunctionalRecord record) {
    return LegacyTraceView.of(List.of(record)).get(0);
  }

  @Test
  void serialisesWithTheSeedsNamesInItsOrderAllPresent() throws Exception {
    JsonNode json = RecordJson.mapper().valueToTree(legacy(record(RecordType.PROMPT).build()));

    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("ID", "Timestamp", "raw", "TraceType", "InputTokens",
        "OutputTokens", "actionGroup", "apiPath", "apiVerb", "apiBody", "apiParams",
        "apiResponse", "knowledgeBase", "knowledgeBaseQuery", "knowledgeBaseResponse",
        "llmQuery", "llmResponse", "llmRepromptResponse", "rationale", "failureReason");
    assertThat(json.get("ID").asText()).isEqualTo("1-5b8efff7-98038103d269b633813fc60c");
    assertThat(json.get("Timestamp").asText()).isEqualTo("2025-01-01T10:00:00.123456789Z");
    assertThat(json.get("apiParams").isArray()).isTrue();
    assertThat(json.get("InputTokens").asLong()).isZero();
    JsonNode raw = RecordJson.mapper().readTree(json.get("raw").asText());
    List<String> rawNames = new ArrayList<>();
    raw.fieldNames().forEachRemaining(rawNames::add);
    assertThat(rawNames).containsExactly("event_name", "event_timestamp_ns", "event_attributes",
        "span_name", "span_id", "trace_id", "parent_span_id");
    assertThat(raw.get("parent_span_id").isNull()).isTrue();
  }

  @Test
  void rawHoldsTheRecordUnderTheSeedHooksNames() throws Exception {
    FunctionalRecord call = record(RecordType.MODEL_RESPONSE).spanName("chat")
        .parentSpanId("a1b2c3d4e5f60000").text("Hi").finishReason("end_turn")
        .usage(Usage.of(12, 3)).build();

    JsonNode raw = RecordJson.mapper().readTree(legacy(call).raw());

    assertThat(raw.get("event_name").asText()).isEqualTo("model_response");
    assertThat(raw.get("event_timestamp_ns").asLong()).isEqualTo(call.timestampNanos());
    assertThat(raw.get("span_name").asText()).isEqualTo("chat");
    assertThat(raw.get("span_id").asText()).isEqualTo("a1b2c3d4e5f60001");
    assertThat(raw.get("parent_span_id").asText()).isEqualTo("a1b2c3d4e5f60000");
    assertThat(raw.get("trace_id").asText()).isEqualTo("1-5b8efff7-98038103d269b633813fc60c");
    assertThat(raw.get("event_attributes").get("model.response").asText()).isEqualTo("Hi");
    assertThat(raw.get("event_attributes").get("model.finish_reason").asText())
        .isEqualTo("end_turn");
    assertThat(raw.get("event_attributes").get("model.input_tokens").asLong()).isEqualTo(12);
  }

  @Test
  void tokensSumToTheTraceTotalOnce() {
    FunctionalRecord call1 = record(RecordType.MODEL_RESPONSE).recordId("c1")
        .usage(new Usage(100, 10, 40, 5, 0)).build();
    FunctionalRecord call2 = record(RecordType.MODEL_RESPONSE).recordId("c2")
        .usage(Usage.of(50, 5)).build();
    FunctionalRecord answer = record(RecordType.RESPONSE).totalUsage(Usage.of(150, 15)).build();

    List<LegacyTrace> withCalls = LegacyTraceView.of(List.of(call1, answer, call2));
    assertThat(withCalls.stream().mapToLong(LegacyTrace::inputTokens).sum()).isEqualTo(150);
    assertThat(withCalls.stream().mapToLong(LegacyTrace::outputTokens).sum()).isEqualTo(15);
    assertThat(withCalls.get(1).inputTokens()).isZero();

    // A producer that reports only agent totals: the answer carries them.
    List<LegacyTrace> totalsOnly = LegacyTraceView.of(List.of(answer));
    assertThat(totalsOnly.get(0).inputTokens()).isEqualTo(150);
  }

  @ParameterizedTest
  @CsvSource({
    "PROMPT, agent_prompt", "MODEL_REQUEST, model_request", "MODEL_RESPONSE, model_response",
    "REASONING, reasoning", "TOOL_REQUEST, tool_request", "TOOL_RESPONSE, tool_response",
    "RESPONSE, agent_response", "ERROR, failure"
  })
  void traceTypeIsTheHookEventName(RecordType type, String traceType) {
    assertThat(legacy(record(type).build()).traceType()).isEqualTo(traceType);
  }

  @Test
  void finishReasonIsAppendedAsTheSeedDoes() {
    assertThat(legacy(record(RecordType.MODEL_RESPONSE).text("Hi").finishReason("end_turn")
        .build()).llmResponse()).isEqualTo("Hi (finish: end_turn)");
    assertThat(legacy(record(RecordType.MODEL_RESPONSE).finishReason("tool_use").build())
        .llmResponse()).isEqualTo("finish_reason: tool_use");
    assertThat(legacy(record(RecordType.RESPONSE).text("Bye").build()).llmResponse())
        .isEqualTo("Bye");
  }

  @Test
  void queriesTokensAndRationale() {
    assertThat(legacy(record(RecordType.MODEL_REQUEST).text("q").build()).llmQuery())
        .isEqualTo("q");
    LegacyTrace response =
        legacy(record(RecordType.MODEL_RESPONSE).usage(new Usage(10, 2, 5, 1, 1)).build());
    assertThat(response.inputTokens()).isEqualTo(10);
    assertThat(response.outputTokens()).isEqualTo(2);
    LegacyTrace reasoning = legacy(record(RecordType.REASONING).text("because").build());
    assertThat(reasoning.rationale()).isEqualTo("because");
    assertThat(reasoning.llmResponse()).isEmpty();
  }

  @Test
  void toolFieldsAndFailures() {
    LegacyTrace tool = legacy(record(RecordType.TOOL_RESPONSE)
        .tool(ToolCall.named("gw___calc", "id", "{}", "boom", "error")).build());
    assertThat(tool.actionGroup()).isEqualTo("gw");
    assertThat(tool.apiPath()).isEqualTo("calc");
    assertThat(tool.apiBody()).isEqualTo("{}");
    assertThat(tool.apiResponse()).isEqualTo("boom");
    assertThat(tool.failureReason()).isEqualTo("boom");

    assertThat(legacy(record(RecordType.ERROR)
        .error(new RecordError("trace_parsing_error", "bad")).build()).failureReason())
        .isEqualTo("bad");
  }

  @Test
  void keepsTheOrderGiven() {
    List<FunctionalRecord> records = List.of(
        record(RecordType.RESPONSE).build(), record(RecordType.PROMPT).build());

    assertThat(LegacyTraceView.of(records)).extracting(LegacyTrace::traceType)
        .containsExactly("agent_response", "agent_prompt");
  }
}
