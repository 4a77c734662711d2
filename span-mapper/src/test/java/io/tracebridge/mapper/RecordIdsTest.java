package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordIdsTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String SPAN = "a1b2c3d4e5f60001";

  @Test
  void sameTraceSpanAndStepGiveSameId() {
    assertThat(RecordIds.of(TRACE, SPAN, "tool_request#0"))
        .isEqualTo(RecordIds.of(TRACE, SPAN, "tool_request#0"))
        .matches("[0-9a-f]{32}");
  }

  @Test
  void anyDifferenceGivesAnotherId() {
    String id = RecordIds.of(TRACE, SPAN, "tool_request#0");
    assertThat(RecordIds.of(TRACE, SPAN, "tool_request#1")).isNotEqualTo(id);
    assertThat(RecordIds.of(TRACE, "a1b2c3d4e5f60002", "tool_request#0")).isNotEqualTo(id);
    assertThat(RecordIds.of("5b8efff798038103d269b633813fc60d", SPAN, "tool_request#0"))
        .isNotEqualTo(id);
  }

  @Test
  void isStableAcrossReleases() {
    // Stored records are keyed by this id: changing the derivation would duplicate re-exports.
    assertThat(RecordIds.of(TRACE, SPAN, "agent_prompt#0"))
        .isEqualTo("a7d2a382f64532c3f88ce56aca27e489");
  }
}
