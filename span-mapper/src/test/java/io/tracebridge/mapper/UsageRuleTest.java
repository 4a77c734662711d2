package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The one usage rule, over the cases each of the three rules it replaced handled: {@code
 * TraceUsage.total} (per-call sum, dedupe by record id, fallback to agent totals),
 * {@code UsageAccounting.role} (non-zero usage is a call, a response's non-zero total is agent
 * level, zeros count nothing) and {@code EmfMapper.isModelCall} (which spans are model calls).
 */
class UsageRuleTest {
  private static FunctionalRecord call(String step, Usage usage) {
    return TraceUsageTest.record(step, RecordType.MODEL_RESPONSE, usage);
  }

  private static FunctionalRecord agent(String step, Usage total) {
    return TraceUsageTest.record(step, RecordType.RESPONSE, total);
  }

  @Test
  void aRecordWithNonZeroUsageIsACall() {
    FunctionalRecord c = call("model_response#0", new Usage(100, 10, 50, 5, 2));

    assertThat(UsageRule.role(c)).isEqualTo(UsageRule.Role.CALL);
    assertThat(UsageRule.counted(c)).isEqualTo(new Usage(100, 10, 50, 5, 2));
  }

  @Test
  void aResponseWithANonZeroTotalIsAgentLevel() {
    FunctionalRecord a = agent("agent_response#0", Usage.of(300, 30));

    assertThat(UsageRule.role(a)).isEqualTo(UsageRule.Role.AGENT_LEVEL);
    assertThat(UsageRule.counted(a)).isEqualTo(Usage.of(300, 30));
  }

  @Test
  void aTotalOnAnythingButAResponseCountsNothing() {
    FunctionalRecord notAResponse = TraceUsageTest.record("prompt#0", RecordType.PROMPT, null)
        .toBuilder().totalUsage(Usage.of(300, 30)).build();

    assertThat(UsageRule.role(notAResponse)).isEqualTo(UsageRule.Role.NONE);
    assertThat(UsageRule.counted(notAResponse)).isNull();
  }

  @Test
  void noUsageOrAllZerosCountsNothing() {
    assertThat(UsageRule.role(call("model_response#0", null))).isEqualTo(UsageRule.Role.NONE);
    assertThat(UsageRule.role(call("model_response#0", Usage.ZERO))).isEqualTo(UsageRule.Role.NONE);
    assertThat(UsageRule.role(agent("agent_response#0", Usage.ZERO))).isEqualTo(UsageRule.Role.NONE);
    assertThat(UsageRule.counted(call("model_response#0", Usage.ZERO))).isNull();
  }

  @Test
  void theTotalSumsTheCallsAndIgnoresAgentTotals() {
    List<FunctionalRecord> records = List.of(
        call("model_response#0", new Usage(100, 10, 50, 5, 2)),
        agent("agent_response#0", Usage.of(300, 30)),
        call("model_response#1", Usage.of(200, 20)));

    assertThat(UsageRule.total(records)).isEqualTo(new Usage(300, 30, 50, 5, 2));
  }

  @Test
  void theSameRecordIdCountsOnce() {
    FunctionalRecord c = call("model_response#0", Usage.of(100, 10));

    assertThat(UsageRule.total(List.of(c, c, c.toBuilder().build()))).isEqualTo(Usage.of(100, 10));
  }

  @Test
  void agentTotalsCountOnlyWithoutCountedCalls() {
    FunctionalRecord outer = agent("agent_response#0", Usage.of(300, 30));
    FunctionalRecord inner = agent("agent_response#1", Usage.of(100, 10));

    assertThat(UsageRule.total(List.of(outer, call("model_response#0", null), inner, outer)))
        .isEqualTo(Usage.of(400, 40));
  }

  @Test
  void aCallWithZeroCountsDoesNotSilenceTheAgentTotals() {
    // The stores never counted such a call (UsageAccounting), and the sums now agree with them.
    FunctionalRecord zero = call("model_response#0", Usage.ZERO);
    FunctionalRecord total = agent("agent_response#0", Usage.of(300, 30));

    assertThat(UsageRule.total(List.of(zero, total))).isEqualTo(Usage.of(300, 30));
    assertThat(TraceUsage.total(List.of(zero, total))).isEqualTo(Usage.of(300, 30));
  }

  @Test
  void nothingGivesZero() {
    assertThat(UsageRule.total(List.of())).isEqualTo(Usage.ZERO);
  }

  @ParameterizedTest(name = "operation [{0}], OpenInference kind [{1}]: model call {2}")
  @CsvSource(nullValues = "null", value = {
    "chat, null, true",
    "text_completion, null, true",
    "generate_content, null, true",
    "completion, null, true",
    "generate, null, true",
    "invoke_agent, null, false",
    "execute_event_loop_cycle, null, false",
    "execute_tool, null, false",
    "embeddings, null, false",
    // an operation decides over the OpenInference kind
    "invoke_agent, LLM, false",
    "chat, AGENT, true",
    "null, LLM, true",
    "null, llm, true",
    "null, AGENT, false",
    "null, CHAIN, false",
    "'  ', LLM, true",
    // neither: any span with token counts
    "null, null, true",
  })
  void whichSpansAreModelCalls(String operation, String kind, boolean modelCall) {
    assertThat(UsageRule.isModelCallSpan(operation, kind)).isEqualTo(modelCall);
  }
}
