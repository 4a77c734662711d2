package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FunctionalRecord#toBuilder} copies every field as it is, the X-Ray id included. */
class FunctionalRecordCopyTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";

  private static FunctionalRecord everyField() {
    return FunctionalRecord.builder()
        .tenant("t").traceId(TRACE).spanId("s1").parentSpanId("p1").spanName("chat")
        .recordId("r1").type(RecordType.MODEL_REQUEST).timestamp(Instant.ofEpochSecond(1, 2))
        .durationMs(3L).sessionId("sess").agentId("a").agentName("agent").model("m")
        .provider("prov").text("hi").tool(new ToolCall("calc", "c1", null, null, "{}", "2", "ok"))
        .usage(new Usage(1, 2, 3, 0, 0)).totalUsage(new Usage(4, 5, 9, 0, 0))
        .finishReason("stop").error(new RecordError("E", "bad")).truncated(true)
        .dialect(Dialect.HOOK_EVENTS).originalSize(10L).systemPrompt("sys")
        .messages(List.of(new InputMessage("user", List.of(new MessagePart(MessagePart.TEXT, "hi", null, null)))))
        .truncatedFields(Map.of("sessionId", 99L))
        .build();
  }

  @Test
  void aCopyEqualsTheRecord() {
    FunctionalRecord r = everyField();
    assertThat(r.xrayTraceId()).isEqualTo("1-5b8efff7-98038103d269b633813fc60c");
    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThat(r.toBuilder().build().toString()).isEqualTo(r.toString());
  }

  @Test
  void theCopyKeepsItsXrayIdAsBefore() {
    // As when toBuilder went through the setters: xrayTraceId is set, so a new traceId on the
    // copy does not derive it again.
    FunctionalRecord r = everyField();
    FunctionalRecord moved = r.toBuilder().traceId("0af7651916cd43dd8448eb211c80319c").build();
    assertThat(moved.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(moved.xrayTraceId()).isEqualTo(r.xrayTraceId());
  }
}
