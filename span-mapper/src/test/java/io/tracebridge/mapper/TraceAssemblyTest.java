package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link TraceAssembly} on hand-built records shaped as Strands 1.62 exports them (the real
 * fixtures are in {@link StrandsHooksTruthTest}): hook copies on the cycle span, native steps on
 * its children.
 */
class TraceAssemblyTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String AGENT = "a000000000000001";
  private static final String CYCLE = "c000000000000001";
  private static final String CHAT = "d000000000000001";
  private static final String CHAT_RETRY = "d000000000000002";
  private static final String TOOL_A = "e000000000000001";
  private static final String TOOL_B = "e000000000000002";
  private static final long T0 = 1_800_000_000_000_000_000L;

  private static Instant at(long millis) {
    return Instant.ofEpochSecond(0, T0 + millis * 1_000_000L);
  }

  private static FunctionalRecord.Builder record(
      String spanId, String parent, RecordType type, String step, long millis, Dialect dialect) {
    return FunctionalRecord.builder()
        .tenant("t")
        .traceId(TRACE)
        .spanId(spanId)
        .parentSpanId(parent)
        .recordId(RecordIds.of(TRACE, spanId, step))
        .type(type)
        .timestamp(at(millis))
        .dialect(dialect);
  }

  private static FunctionalRecord hook(RecordType type, String step, long millis) {
    return record(CYCLE, AGENT, type, step, millis, Dialect.HOOK_EVENTS).durationMs(500L).build();
  }

  private static FunctionalRecord.Builder strands(
      String span, String parent, RecordType type, String step, long millis) {
    return record(span, parent, type, step, millis, Dialect.STRANDS);
  }

  private static final SpanNode AGENT_NODE =
      new SpanNode(TRACE, AGENT, null, "calculator", "calculator", "session-1");
  private static final SpanNode CYCLE_NODE = new SpanNode(TRACE, CYCLE, AGENT, null, null, null);

  /** A cycle with one model call: hook copies at 10 and 40, the chat span from 20 to 30. */
  private static List<FunctionalRecord> oneCall() {
    return List.of(
        hook(RecordType.MODEL_REQUEST, "model_request#0", 10),
        hook(RecordType.MODEL_RESPONSE, "model_response#0", 40).toBuilder()
            .text("the hook's answer").finishReason("end_turn").build(),
        strands(CHAT, CYCLE, RecordType.MODEL_REQUEST, "model_request#0", 20)
            .text("What is 17 * 23?").model("m1").build(),
        strands(CHAT, CYCLE, RecordType.MODEL_RESPONSE, "model_response#0", 30)
            .model("m1").usage(Usage.of(100, 10)).durationMs(10L).build());
  }

  @Test
  void hookCopiesOfAModelCallFoldIntoTheChatSpansRecords() {
    TraceAssembly.Result result =
        TraceAssembly.assemble(oneCall(), List.of(AGENT_NODE, CYCLE_NODE));

    assertThat(result.records()).extracting(FunctionalRecord::spanId).containsOnly(CHAT);
    assertThat(result.records()).extracting(FunctionalRecord::type)
        .containsExactly(RecordType.MODEL_REQUEST, RecordType.MODEL_RESPONSE);
    FunctionalRecord response = result.records().get(1);
    assertThat(response.recordId()).isEqualTo(RecordIds.of(TRACE, CHAT, "model_response#0"));
    assertThat(response.usage()).isEqualTo(Usage.of(100, 10));
    assertThat(response.durationMs()).isEqualTo(10L); // the chat span's, never the cycle's
    assertThat(response.timestamp()).isEqualTo(at(30));
    assertThat(response.text()).isEqualTo("the hook's answer"); // the span had none
    assertThat(response.finishReason()).isEqualTo("end_turn");
    assertThat(response.agentId()).isEqualTo("calculator");
    assertThat(response.sessionId()).isEqualTo("session-1");
    assertThat(result.supersededRecordIds()).containsExactlyInAnyOrder(
        RecordIds.of(TRACE, CYCLE, "model_request#0"),
        RecordIds.of(TRACE, CYCLE, "model_response#0"));
  }

  @Test
  void theSpansOwnFieldsWinOverTheHooks() {
    List<FunctionalRecord> records = new ArrayList<>(oneCall());
    records.set(3, records.get(3).toBuilder().text("the span's answer").build());

    FunctionalRecord response = TraceAssembly.assemble(records, List.of()).records().get(1);

    assertThat(response.text()).isEqualTo("the span's answer");
  }

  @Test
  void everyArrivalOrderAndDuplicatesGiveTheSameResult() {
    List<FunctionalRecord> records = new ArrayList<>(oneCall());
    records.add(strands(AGENT, null, RecordType.PROMPT, "agent_prompt#0", 0).build());
    records.add(record(AGENT, null, RecordType.PROMPT, "agent_prompt#0", 0, Dialect.HOOK_EVENTS)
        .text("What is 17 * 23?").build());
    TraceAssembly.Result expected =
        TraceAssembly.assemble(records, List.of(AGENT_NODE, CYCLE_NODE));

    for (List<FunctionalRecord> order : permutations(records)) {
      assertThat(TraceAssembly.assemble(order, List.of(CYCLE_NODE, AGENT_NODE)))
          .isEqualTo(expected);
    }
    List<FunctionalRecord> twice = new ArrayList<>(records);
    twice.addAll(records);
    Collections.shuffle(twice, new Random(11));
    assertThat(TraceAssembly.assemble(twice, List.of(AGENT_NODE, CYCLE_NODE, AGENT_NODE)))
        .isEqualTo(expected);
    assertThat(expected.records()).hasSize(3);
  }

  @Test
  void aRetriedCallIsTwoCallsEachWithItsOwnHookCopies() {
    List<FunctionalRecord> records = List.of(
        hook(RecordType.MODEL_REQUEST, "model_request#0", 10),
        hook(RecordType.MODEL_RESPONSE, "model_response#0", 25),
        hook(RecordType.MODEL_REQUEST, "model_request#1", 30),
        hook(RecordType.MODEL_RESPONSE, "model_response#1", 60).toBuilder().text("ok").build(),
        strands(CHAT, CYCLE, RecordType.MODEL_REQUEST, "model_request#0", 12).build(),
        strands(CHAT, CYCLE, RecordType.MODEL_RESPONSE, "model_response#0", 20).build(),
        strands(CHAT_RETRY, CYCLE, RecordType.MODEL_REQUEST, "model_request#0", 35).build(),
        strands(CHAT_RETRY, CYCLE, RecordType.MODEL_RESPONSE, "model_response#0", 50)
            .usage(Usage.of(5, 1)).build());

    TraceAssembly.Result result = TraceAssembly.assemble(records, List.of(CYCLE_NODE));

    assertThat(result.records()).hasSize(4).extracting(FunctionalRecord::dialect)
        .containsOnly(Dialect.STRANDS);
    assertThat(result.records().get(1).text()).isNull(); // the throttled call said nothing
    assertThat(result.records().get(3).text()).isEqualTo("ok");
  }

  @Test
  void hookCopiesWithoutTheirNativeStepStayRecords() {
    // A call a hook cancelled makes no chat span; a live hook log arrives before its span.
    List<FunctionalRecord> records = List.of(
        hook(RecordType.MODEL_REQUEST, "model_request#0", 10),
        hook(RecordType.MODEL_RESPONSE, "model_response#0", 15));

    TraceAssembly.Result result = TraceAssembly.assemble(records, List.of(CYCLE_NODE, AGENT_NODE));

    assertThat(result.records()).hasSize(2).allSatisfy(r -> {
      assertThat(r.dialect()).isEqualTo(Dialect.HOOK_EVENTS);
      assertThat(r.agentId()).isEqualTo("calculator");
    });
    assertThat(result.supersededRecordIds()).isEmpty();
  }

  @Test
  void twoCallsInsideOneHookIntervalAreNeverMergedWithIt() {
    List<FunctionalRecord> records = List.of(
        hook(RecordType.MODEL_REQUEST, "model_request#0", 10),
        hook(RecordType.MODEL_RESPONSE, "model_response#0", 90),
        strands(CHAT, CYCLE, RecordType.MODEL_REQUEST, "model_request#0", 20).build(),
        strands(CHAT, CYCLE, RecordType.MODEL_RESPONSE, "model_response#0", 30).build(),
        strands(CHAT_RETRY, CYCLE, RecordType.MODEL_REQUEST, "model_request#0", 40).build(),
        strands(CHAT_RETRY, CYCLE, RecordType.MODEL_RESPONSE, "model_response#0", 50).build());

    assertThat(TraceAssembly.assemble(records, List.of()).records()).hasSize(6);
  }

  @Test
  void toolResultsFoldByCallIdRequestsByNameTimeAndInput() {
    // Two concurrent calls of the same tool; the hooks' results arrive in the other order.
    List<FunctionalRecord> records = List.of(
        hook(RecordType.TOOL_REQUEST, "tool_request#0", 10).toBuilder()
            .tool(ToolCall.named("calculate", null, "{\"expression\":\"2 * 3\"}", null, null))
            .build(),
        hook(RecordType.TOOL_REQUEST, "tool_request#1", 11).toBuilder()
            .tool(ToolCall.named("calculate", null, "{\"expression\":\"4 * 5\"}", null, null))
            .build(),
        hook(RecordType.TOOL_RESPONSE, "tool_response#0", 40).toBuilder()
            .tool(ToolCall.named(null, "id-b", null, "{\"toolUseId\":\"id-b\"}", "success"))
            .build(),
        hook(RecordType.TOOL_RESPONSE, "tool_response#1", 41).toBuilder()
            .tool(ToolCall.named(null, "id-a", null, "{\"toolUseId\":\"id-a\"}", "success"))
            .build(),
        toolStep(TOOL_A, RecordType.TOOL_REQUEST, "id-a", 12, "{\"expression\":\"2 * 3\"}", null),
        toolStep(TOOL_A, RecordType.TOOL_RESPONSE, "id-a", 35, null, "6"),
        // The span saw the input after another hook added a key to it.
        toolStep(TOOL_B, RecordType.TOOL_REQUEST, "id-b", 13,
            "{\"expression\":\"4 * 5\",\"sessionAttributes\":{\"userID\":\"u\"}}", null),
        toolStep(TOOL_B, RecordType.TOOL_RESPONSE, "id-b", 30, null, "20"));

    TraceAssembly.Result result = TraceAssembly.assemble(records, List.of(CYCLE_NODE));

    assertThat(result.records()).hasSize(4).extracting(FunctionalRecord::dialect)
        .containsOnly(Dialect.STRANDS);
    assertThat(result.supersededRecordIds()).hasSize(4);
    assertThat(result.records()).extracting(r -> r.tool().output())
        .containsExactlyInAnyOrder(null, null, "6", "20");
  }

  @Test
  void aToolRequestWhoseInputDisagreesIsNotFolded() {
    List<FunctionalRecord> records = List.of(
        hook(RecordType.TOOL_REQUEST, "tool_request#0", 10).toBuilder()
            .tool(ToolCall.named("calculate", null, "{\"expression\":\"9 * 9\"}", null, null))
            .build(),
        toolStep(TOOL_A, RecordType.TOOL_REQUEST, "id-a", 12, "{\"expression\":\"2 * 3\"}", null));

    assertThat(TraceAssembly.assemble(records, List.of(CYCLE_NODE)).records()).hasSize(2);
  }

  private static FunctionalRecord toolStep(
      String span, RecordType type, String callId, long millis, String input, String output) {
    String step = (type == RecordType.TOOL_REQUEST ? "tool_request#" : "tool_response#") + callId;
    return strands(span, CYCLE, type, step, millis)
        .recordId(RecordIds.of(TRACE, "tool_call", step))
        .tool(ToolCall.named("calculate", callId, input, output, output == null ? null : "success"))
        .build();
  }

  @Test
  void eachRecordBelongsToItsNearestAncestorAgentNeverAnothers() {
    // orchestrator → cycle → execute_tool ask → invoke_agent researcher → cycle → chat
    String tool = "f000000000000001";
    String inner = "a000000000000002";
    String innerCycle = "c000000000000002";
    String innerChat = "d000000000000009";
    List<SpanNode> nodes = List.of(AGENT_NODE, CYCLE_NODE,
        new SpanNode(TRACE, tool, CYCLE, null, null, null),
        new SpanNode(TRACE, inner, tool, "researcher", "researcher", "session-2"),
        new SpanNode(TRACE, innerCycle, inner, null, null, null));
    List<FunctionalRecord> records = List.of(
        strands(CHAT, CYCLE, RecordType.MODEL_RESPONSE, "model_response#0", 5)
            .agentName("researcher").usage(Usage.of(1, 1)).build(),
        strands(innerChat, innerCycle, RecordType.MODEL_RESPONSE, "model_response#0", 10)
            .usage(Usage.of(2, 2)).build(),
        // the outer cycle's hook copies must not take the inner agent's call
        hook(RecordType.MODEL_REQUEST, "model_request#0", 1),
        hook(RecordType.MODEL_RESPONSE, "model_response#0", 20));

    TraceAssembly.Result result = TraceAssembly.assemble(records, nodes);

    var bySpan = result.records().stream().filter(r -> r.usage() != null)
        .collect(Collectors.toMap(FunctionalRecord::spanId, Function.identity()));
    assertThat(bySpan.get(CHAT).agentId()).isEqualTo("calculator");
    assertThat(bySpan.get(CHAT).agentName()).isEqualTo("calculator");
    assertThat(bySpan.get(innerChat).agentId()).isEqualTo("researcher");
    assertThat(bySpan.get(innerChat).sessionId()).isEqualTo("session-2");
    assertThat(bySpan.get(CHAT).sessionId()).isEqualTo("session-1");
    // The outer hook copies went to the outer call, the only one outside the inner agent.
    assertThat(result.supersededRecordIds())
        .contains(RecordIds.of(TRACE, CYCLE, "model_response#0"));
    assertThat(result.records()).filteredOn(r -> r.dialect() == Dialect.HOOK_EVENTS)
        .extracting(FunctionalRecord::type).containsExactly(RecordType.MODEL_REQUEST);
  }

  @Test
  void aRecordWhoseAgentIsNotYetKnownKeepsWhatItHasUntilItIs() {
    FunctionalRecord call = strands(CHAT, CYCLE, RecordType.MODEL_RESPONSE, "model_response#0", 5)
        .usage(Usage.of(1, 1)).build();

    assertThat(TraceAssembly.assemble(List.of(call), List.of()).records().get(0).agentId())
        .isNull();
    assertThat(TraceAssembly.assemble(List.of(call), List.of(CYCLE_NODE)).records().get(0)
        .agentId()).isNull();
    assertThat(TraceAssembly.assemble(List.of(call), List.of(CYCLE_NODE, AGENT_NODE)).records()
        .get(0).agentId()).isEqualTo("calculator");
  }

  @Test
  void aRecordNamingItsAgentWithoutAnIdGetsTheDerivedId() {
    FunctionalRecord call = strands(CHAT, CYCLE, RecordType.MODEL_RESPONSE, "model_response#0", 5)
        .agentName("workflow-x").build();

    assertThat(TraceAssembly.assemble(List.of(call), List.of()).records().get(0).agentId())
        .isEqualTo(SpanNode.derivedAgentId("workflow-x")).isEqualTo("workflow-x");
  }

  @Test
  void anExceptionRepeatedUpTheChainIsOneErrorRecordWhereItHappened() {
    RecordError maxTokens = new RecordError("MaxTokensReachedException", "stopped");
    List<FunctionalRecord> records = List.of(
        record(CYCLE, AGENT, RecordType.ERROR, "error#0", 10, Dialect.HOOK_EVENTS)
            .error(maxTokens).build(),
        record(AGENT, null, RecordType.ERROR, "error#0", 12, Dialect.HOOK_EVENTS)
            .error(maxTokens).build(),
        record(AGENT, null, RecordType.ERROR, "error#1", 13, Dialect.HOOK_EVENTS)
            .error(new RecordError("Other", "else")).build());

    TraceAssembly.Result result = TraceAssembly.assemble(records, List.of(CYCLE_NODE));

    assertThat(result.records()).extracting(FunctionalRecord::spanId)
        .containsExactly(CYCLE, AGENT);
    assertThat(result.supersededRecordIds())
        .containsExactly(RecordIds.of(TRACE, AGENT, "error#0"));
  }

  @Test
  void duplicatesJoinWithTheFullerCopyWinningWhateverTheOrder() {
    FunctionalRecord live = hook(RecordType.MODEL_RESPONSE, "model_response#0", 40).toBuilder()
        .parentSpanId(null).durationMs(null).text("partial").build();
    FunctionalRecord fromSpan = hook(RecordType.MODEL_RESPONSE, "model_response#0", 40)
        .toBuilder().text("complete").finishReason("end_turn").build();

    FunctionalRecord a = TraceAssembly.assemble(List.of(live, fromSpan), List.of()).records().get(0);
    FunctionalRecord b = TraceAssembly.assemble(List.of(fromSpan, live), List.of()).records().get(0);

    assertThat(a).isEqualTo(b);
    assertThat(a.text()).isEqualTo("complete");
    assertThat(a.parentSpanId()).isEqualTo(AGENT);
  }

  private static <T> List<List<T>> permutations(List<T> items) {
    if (items.isEmpty()) {
      return List.of(List.of());
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> tail : permutations(rest)) {
        List<T> p = new ArrayList<>();
        p.add(head);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }
}
