package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * ADOT content logs whose message {@code content} is a string: decoded only when it is a JSON
 * array or object of semconv messages (role + parts or content), else read as text. The
 * real-producer shapes are golden cases ({@code testdata/adot_logs/}); these are the edges.
 */
class AdotContentStringsTest {
  private static final ByteString TRACE =
      ByteString.copyFrom(HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c"));
  private static final ByteString SPAN =
      ByteString.copyFrom(HexFormat.of().parseHex("b7ad6b7169203331"));

  @Test
  void jsonThatIsNotSemconvMessagesStaysText() {
    Map<RecordType, FunctionalRecord> records = map(
        List.of(msg("user", "[1, 2, 3]")),
        List.of(msg("assistant", "[{\"role\": \"assistant\", \"note\": \"no parts\"}]"),
            msg("assistant", "The answer."))
    );
    // No finish reason anywhere, plain text out: a model call.
    assertThat(records.keySet()).containsExactlyInAnyOrder(
        RecordType.MODEL_REQUEST, RecordType.MODEL_RESPONSE);
    assertThat(records.get(RecordType.MODEL_REQUEST).text()).isEqualTo("[1, 2, 3]");
    assertThat(records.get(RecordType.MODEL_RESPONSE).text())
        .isEqualTo("[{\"role\": \"assistant\", \"note\": \"no parts\"}]\nThe answer.");
  }

  @Test
  void oneSemconvMessageObjectIsDecodedWithItsRoleAndFinishReason() {
    Map<RecordType, FunctionalRecord> records = map(
        List.of(msg("user", "{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"Hi\"}]}")),
        List.of(msg("assistant", "{\"role\": \"assistant\", \"parts\": [{\"type\": \"text\", "
            + "\"content\": \"Hello\"}], \"finish_reason\": \"stop\"}")));
    assertThat(records.keySet()).containsExactlyInAnyOrder(
        RecordType.MODEL_REQUEST, RecordType.MODEL_RESPONSE);
    assertThat(records.get(RecordType.MODEL_REQUEST).text()).isEqualTo("Hi");
    assertThat(records.get(RecordType.MODEL_RESPONSE).text()).isEqualTo("Hello");
    assertThat(records.get(RecordType.MODEL_RESPONSE).finishReason()).isEqualTo("stop");
  }

  @Test
  void semconvMessagesWithContentInsteadOfPartsAreDecoded() {
    Map<RecordType, FunctionalRecord> records = map(
        List.of(msg("user", "[{\"role\": \"system\", \"content\": \"Be brief.\"}, "
            + "{\"role\": \"user\", \"content\": \"What is 2 + 2?\"}]")),
        List.of(msg("assistant", "4")));
    assertThat(records.get(RecordType.MODEL_REQUEST).text()).isEqualTo("What is 2 + 2?");
    assertThat(records.get(RecordType.MODEL_REQUEST).systemPrompt()).isEqualTo("Be brief.");
    assertThat(records.get(RecordType.MODEL_RESPONSE).text()).isEqualTo("4");
  }

  @Test
  void strandsLatestModeAgentAnswerIsTheAgentsResponse() {
    Map<RecordType, FunctionalRecord> records = map(
        List.of(msg("user", "[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"Q?\"}]}]")),
        List.of(msg("assistant", "[{\"role\": \"assistant\", \"parts\": [{\"type\": \"text\", "
            + "\"content\": \"A.\\n\"}], \"finish_reason\": \"end_turn\"}]")));
    assertThat(records.keySet()).containsExactlyInAnyOrder(RecordType.PROMPT, RecordType.RESPONSE);
    assertThat(records.get(RecordType.PROMPT).text()).isEqualTo("Q?");
    assertThat(records.get(RecordType.RESPONSE).text()).isEqualTo("A.");
    assertThat(records.get(RecordType.RESPONSE).finishReason()).isEqualTo("end_turn");
  }

  @Test
  void anInputOnlyLogGivesNothing() {
    // Strands' event-loop cycle: input only. Plain text in, nothing out: not a step of its own.
    assertThat(map(List.of(msg("user", "just text")), List.of())).isEmpty();
  }

  private static Map<RecordType, FunctionalRecord> map(List<AnyValue> in, List<AnyValue> out) {
    KeyValueList.Builder body = KeyValueList.newBuilder();
    if (!in.isEmpty()) {
      body.addValues(kv("input", messages(in)));
    }
    if (!out.isEmpty()) {
      body.addValues(kv("output", messages(out)));
    }
    LogRecord log = LogRecord.newBuilder()
        .setTraceId(TRACE).setSpanId(SPAN).setTimeUnixNano(1_796_345_762_654_545_438L)
        .setBody(AnyValue.newBuilder().setKvlistValue(body))
        .addAttributes(kv("event.name", str("strands.telemetry.tracer")))
        .build();
    MappingResult result = new SpanMapper().mapLogs("t", ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(
            ScopeLogs.newBuilder().addLogRecords(log))).build());
    assertThat(result.rejectedSpans()).isZero();
    result.records().forEach(r -> assertThat(r.dialect()).isEqualTo(Dialect.ADOT_LOGS));
    return result.records().stream()
        .collect(Collectors.toMap(FunctionalRecord::type, r -> r));
  }

  private static AnyValue messages(List<AnyValue> messages) {
    return AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(
        kv("messages", AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addAllValues(messages)).build()))).build();
  }

  private static AnyValue msg(String role, String content) {
    return AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(kv("role", str(role))).addValues(kv("content", str(content)))).build();
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }
}
