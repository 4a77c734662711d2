package io.tracebridge.mapper;

import static io.tracebridge.mapper.OtlpFixtures.id;
import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 4: oversized identity values (session, agent, tool, model...) are cut to {@link
 * IdentityLimits#MAX_IDENTITY_BYTES}, marked with their original size, and a record with every
 * field at its cap still fits one DynamoDB item.
 */
class IdentityLimitsTest {
  private static final int HUGE = 300 * 1024;
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";

  @Test
  void cutsOnACharacterBoundaryToTheByteLimit() {
    String emojiAcrossTheLimit = "a".repeat(255) + "\uD83D\uDE00";
    assertThat(IdentityLimits.cut(emojiAcrossTheLimit)).isEqualTo("a".repeat(255));
    assertThat(IdentityLimits.cut("é".repeat(200))).isEqualTo("é".repeat(128));
    assertThat(IdentityLimits.cut("a".repeat(256))).isEqualTo("a".repeat(256));
    assertThat(IdentityLimits.cut(null)).isNull();
  }

  @Test
  void cutsAndMarksEveryIdentityFieldLeavingContentToContentLimits() {
    String big = "é".repeat(500); // 1,000 bytes
    FunctionalRecord record = base()
        .spanName(big).sessionId(big).agentId(big).agentName(big).model(big).provider(big)
        .finishReason(big).text(big)
        .tool(new ToolCall(big, big, big, big, big, big, big))
        .error(new RecordError(big, big))
        .messages(List.of(new InputMessage(big, List.of(
            new MessagePart(MessagePart.TOOL_CALL, big, big, big)))))
        .build();

    FunctionalRecord limited = IdentityLimits.limit(record);

    String cut = "é".repeat(128);
    assertThat(List.of(limited.spanName(), limited.sessionId(), limited.agentId(),
        limited.agentName(), limited.model(), limited.provider(), limited.finishReason(),
        limited.tool().name(), limited.tool().callId(), limited.tool().actionGroup(),
        limited.tool().action(), limited.tool().status(), limited.error().type(),
        limited.messages().get(0).role(), limited.messages().get(0).parts().get(0).toolName(),
        limited.messages().get(0).parts().get(0).callId())).containsOnly(cut);
    assertThat(List.of(limited.text(), limited.tool().input(), limited.tool().output(),
        limited.error().message(), limited.messages().get(0).parts().get(0).content()))
        .containsOnly(big);
    assertThat(limited.truncated()).isTrue();
    assertThat(limited.originalSize()).isNull();
    assertThat(limited.truncatedFields()).containsOnlyKeys("spanName", "sessionId", "agentId",
        "agentName", "model", "provider", "finishReason", "tool.name", "tool.callId",
        "tool.actionGroup", "tool.action", "tool.status", "error.type", "messages[0].role",
        "messages[0].parts[0].toolName", "messages[0].parts[0].callId");
    assertThat(limited.truncatedFields().values()).containsOnly(1000L);
  }

  @Test
  void aRecordWithinTheLimitsIsLeftAsItIs() {
    FunctionalRecord record = base().sessionId("s".repeat(256)).model("m").build();
    assertThat(IdentityLimits.limit(record)).isSameAs(record);
  }

  @Test
  void mappedRecordsAndSpanNodesCarryTheSameCutValues() {
    String session = "s".repeat(HUGE);
    String agent = "a".repeat(HUGE);
    String tool = "t".repeat(HUGE);
    String model = "m".repeat(HUGE);
    Span agentSpan = span("invoke_agent x")
        .setSpanId(id("a1b2c3d4e5f60001"))
        .addAttributes(kv("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(kv("gen_ai.agent.id", agent))
        .addAttributes(kv("gen_ai.agent.name", "x"))
        .addAttributes(kv("session.id", session))
        .build();
    Span toolSpan = span("execute_tool")
        .setSpanId(id("a1b2c3d4e5f60002"))
        .setParentSpanId(id("a1b2c3d4e5f60001"))
        .addAttributes(kv("gen_ai.operation.name", "execute_tool"))
        .addAttributes(kv("gen_ai.tool.name", tool))
        .addAttributes(kv("gen_ai.tool.call.id", "call-1"))
        .addAttributes(kv("gen_ai.request.model", model))
        .addAttributes(kv("gen_ai.tool.call.arguments", "{}"))
        .build();
    ResourceSpans request = ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("session.id", session)))
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(agentSpan).addSpans(toolSpan))
        .build();

    MappingResult result = new SpanMapper().map("t", List.of(request));

    assertThat(result.rejectedSpans()).isZero();
    List<FunctionalRecord> toolRecords = result.records().stream()
        .filter(r -> r.tool() != null).toList();
    assertThat(toolRecords).isNotEmpty().allSatisfy(r -> {
      assertThat(r.tool().name()).isEqualTo(IdentityLimits.cut(tool)).hasSize(256);
      assertThat(r.model()).isEqualTo(IdentityLimits.cut(model));
      assertThat(r.sessionId()).isEqualTo(IdentityLimits.cut(session));
      assertThat(r.agentId()).isEqualTo(IdentityLimits.cut(agent));
      assertThat(r.truncated()).isTrue();
      assertThat(r.truncatedFields()).containsEntry("tool.name", (long) HUGE)
          .containsEntry("model", (long) HUGE).containsEntry("sessionId", (long) HUGE);
    });
    assertThat(result.spans()).filteredOn(SpanNode::isAgent).singleElement().satisfies(node -> {
      assertThat(node.agentId()).isEqualTo(IdentityLimits.cut(agent));
      assertThat(node.sessionId()).isEqualTo(IdentityLimits.cut(session));
    });
  }

  /**
   * Every identity value and every content field at 300 KB, limited as the mapper limits: the
   * record's JSON stays under DynamoDB's 400 KB item with room for the store's keys. The JSON is
   * an upper bound of the item's size (DynamoDB counts a string's UTF-8 bytes and its attribute
   * name, JSON adds quotes, colons and commas); the keys repeat trace, session and agent (each
   * at most 256 bytes) in about 1.5 KB.
   */
  @Test
  void aRecordWithEveryFieldAtItsCapFitsOneDynamoDbItem() throws Exception {
    String big = "x".repeat(HUGE);
    FunctionalRecord worst = base()
        .spanName(big).sessionId(big).agentId(big).agentName(big).model(big).provider(big)
        .finishReason(big).text(big).systemPrompt(big)
        .tool(new ToolCall(big, big, big, big, big, big, big))
        .error(new RecordError(big, big))
        .usage(new Usage(Usage.MAX_TOKENS, Usage.MAX_TOKENS, Usage.MAX_TOKENS, Usage.MAX_TOKENS,
            Usage.MAX_TOKENS))
        .totalUsage(new Usage(Usage.MAX_TOKENS, Usage.MAX_TOKENS, Usage.MAX_TOKENS,
            Usage.MAX_TOKENS, Usage.MAX_TOKENS))
        .messages(List.of(new InputMessage(big, List.of(
            new MessagePart(MessagePart.TOOL_CALL, big, big, big),
            new MessagePart(MessagePart.TOOL_CALL_RESPONSE, big, big, big)))))
        .build();

    FunctionalRecord limited = IdentityLimits.limit(ContentLimits.limit(worst));

    byte[] json = RecordJson.mapper().writeValueAsBytes(limited);
    assertThat(json.length + 2 * 1024).isLessThan(400 * 1024);
    assertThat(limited.truncatedFields()).hasSize(18);
    assertThat(limited.originalSize()).isEqualTo(7L * HUGE);
    assertThat(RecordJson.mapper().readValue(json, FunctionalRecord.class)).isEqualTo(limited);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"truncatedFields\":{\"agentId\":" + HUGE + ",\"agentName\":" + HUGE);
  }

  /**
   * A first model call whose input is a long imported conversation: 4,000 short messages, then
   * 50 tool calls with 1,000-byte names and ids. Beyond {@link
   * ContentLimits#MAX_MESSAGES_STRUCTURE_BYTES} of messages' structure the earliest messages go,
   * marked, so the record still fits; the latest (what the call answers) are kept.
   */
  @Test
  void aFirstCallOfThousandsOfMessagesKeepsItsLatestAndFitsOneDynamoDbItem() throws Exception {
    List<InputMessage> messages = new java.util.ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      messages.add(new InputMessage("user", List.of(
          new MessagePart(MessagePart.TEXT, i + "m".repeat(100), null, null))));
    }
    for (int i = 0; i < 50; i++) {
      messages.add(new InputMessage("assistant", List.of(new MessagePart(
          MessagePart.TOOL_CALL, "{}", "t".repeat(1000), "c".repeat(1000) + i))));
    }
    FunctionalRecord call = base().type(RecordType.MODEL_REQUEST)
        .text("x".repeat(HUGE)).messages(messages).build();

    FunctionalRecord limited = IdentityLimits.limit(ContentLimits.limit(call));

    byte[] json = RecordJson.mapper().writeValueAsBytes(limited);
    assertThat(json.length + 2 * 1024).isLessThan(400 * 1024);
    assertThat(ContentLimits.messagesStructure(limited.messages()))
        .isLessThanOrEqualTo(ContentLimits.MAX_MESSAGES_STRUCTURE_BYTES);
    List<InputMessage> kept = limited.messages();
    assertThat(kept.size()).isBetween(100, 4049);
    assertThat(kept.get(kept.size() - 1).parts().get(0).callId()).isEqualTo("c".repeat(256));
    assertThat(kept.get(0).parts().get(0).content()).doesNotStartWith("0m");
    assertThat(limited.truncated()).isTrue();
    assertThat(limited.truncatedFields()).containsKey("messages")
        .containsEntry("messages[" + (kept.size() - 1) + "].parts[0].callId", 1002L);
    assertThat(limited.truncatedFields().get("messages"))
        .isGreaterThan(4000L * 100 + 50L * 2000);
  }

  @Test
  void joiningTwoVersionsOfARecordKeepsBothCuts() {
    FunctionalRecord hook = base().truncated(true).truncatedFields(Map.of("tool.name", 900L)).build();
    FunctionalRecord span = base().truncated(true).truncatedFields(Map.of("model", 700L)).build();

    assertThat(span.filledFrom(hook).truncatedFields())
        .isEqualTo(Map.of("tool.name", 900L, "model", 700L));
  }

  private static FunctionalRecord.Builder base() {
    return FunctionalRecord.builder()
        .tenant("t").traceId(TRACE).spanId("a1b2c3d4e5f60001")
        .recordId(RecordIds.of(TRACE, "a1b2c3d4e5f60001", "tool_request#0"))
        .type(RecordType.TOOL_REQUEST).timestamp(Instant.EPOCH).dialect(Dialect.GENAI_SEMCONV);
  }
}
