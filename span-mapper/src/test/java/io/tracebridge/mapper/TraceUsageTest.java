package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceUsageTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";

  /** A record of one step of one trace; {@code usage} is a response's {@code totalUsage}. Shared with UsageRuleTest. */
  static FunctionalRecord record(String step, RecordType type, Usage usage) {
    FunctionalRecord.Builder b = FunctionalRecord.builder()
        .tenant("t")
        .traceId(TRACE)
        .spanId("a1b2c3d4e5f60001")
        .recordId(RecordIds.of(TRACE, "a1b2c3d4e5f60001", step))
        .type(type)
        .timestamp(Instant.EPOCH)
        .dialect(Dialect.HOOK_EVENTS);
    return (type == RecordType.RESPONSE ? b.totalUsage(usage) : b.usage(usage)).build();
  }

  @Test
  void sumsModelCallsAndIgnoresAgentTotals() {
    FunctionalRecord call1 =
        record("model_response#0", RecordType.MODEL_RESPONSE, new Usage(100, 10, 50, 5, 2));
    FunctionalRecord call2 =
        record("model_response#1", RecordType.MODEL_RESPONSE, new Usage(200, 20, 0, 0, 0));
    FunctionalRecord agent = record("agent_response#0", RecordType.RESPONSE, Usage.of(300, 30));

    assertThat(TraceUsage.total(List.of(call1, agent, call2)))
        .isEqualTo(new Usage(300, 30, 50, 5, 2));
  }

  @Test
  void countsTheSameRecordIdOnce() {
    FunctionalRecord call =
        record("model_response#0", RecordType.MODEL_RESPONSE, Usage.of(100, 10));

    assertThat(TraceUsage.total(List.of(call, call, call.toBuilder().build())))
        .isEqualTo(Usage.of(100, 10));
  }

  @Test
  void fallsBackToAgentTotalsOnlyWithoutPerCallUsage() {
    FunctionalRecord agent = record("agent_response#0", RecordType.RESPONSE, Usage.of(300, 30));
    FunctionalRecord callWithoutUsage = record("model_response#0", RecordType.MODEL_RESPONSE, null);

    assertThat(TraceUsage.total(List.of(agent, callWithoutUsage))).isEqualTo(Usage.of(300, 30));
  }

  @Test
  void responseTotalsOfSeveralAgentsAddUpInTheFallback() {
    FunctionalRecord outer = record("agent_response#0", RecordType.RESPONSE, Usage.of(300, 30));
    FunctionalRecord inner = record("agent_response#1", RecordType.RESPONSE, Usage.of(100, 10));

    assertThat(TraceUsage.total(List.of(outer, inner, outer))).isEqualTo(Usage.of(400, 40));
  }

  @Test
  void nothingGivesZero() {
    assertThat(TraceUsage.total(List.of())).isEqualTo(Usage.ZERO);
  }
}
