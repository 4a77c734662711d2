package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12, item 5: sums of usage are exact or fail with a clear error, never wrap. */
class UsageTest {
  @Test
  void sumsAreExact() {
    assertThat(new Usage(1, 2, 3, 4, 5).plus(new Usage(10, 20, 30, 40, 50)))
        .isEqualTo(new Usage(11, 22, 33, 44, 55));
    assertThat(Usage.of(Usage.MAX_TOKENS, Usage.MAX_TOKENS).totalTokens())
        .isEqualTo(2 * Usage.MAX_TOKENS);
  }

  @Test
  void aSumPastALongNamesTheCountInsteadOfWrappingNegative() {
    Usage huge = new Usage(0, 0, 0, Long.MAX_VALUE, 0);

    assertThatThrownBy(() -> huge.plus(new Usage(0, 0, 0, 1, 0)))
        .isInstanceOf(ArithmeticException.class)
        .hasMessage("token sum overflows: cacheWriteTokens 9223372036854775807 + 1");
    assertThatThrownBy(() -> Usage.of(Long.MAX_VALUE, 1).totalTokens())
        .isInstanceOf(ArithmeticException.class)
        .hasMessageStartingWith("token sum overflows: totalTokens");
  }

  @Test
  void traceTotalsOfRecordsStoredBeforeTheLimitFailClearly() {
    // Two calls of Long.MAX_VALUE input (accepted before the per-span ceiling) used to sum to a
    // negative count, whose constructor then threw "must not be negative" far from the cause.
    List<FunctionalRecord> calls = List.of(call("model_response#0"), call("model_response#1"));

    assertThatThrownBy(() -> TraceUsage.total(calls))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageStartingWith("token sum overflows: inputTokens");
  }

  private static FunctionalRecord call(String step) {
    String trace = "5b8efff798038103d269b633813fc60c";
    return FunctionalRecord.builder()
        .tenant("t").traceId(trace).spanId("a1b2c3d4e5f60001")
        .recordId(RecordIds.of(trace, "a1b2c3d4e5f60001", step))
        .type(RecordType.MODEL_RESPONSE).timestamp(Instant.EPOCH).dialect(Dialect.GENAI_SEMCONV)
        .usage(Usage.of(Long.MAX_VALUE, 1))
        .build();
  }
}
