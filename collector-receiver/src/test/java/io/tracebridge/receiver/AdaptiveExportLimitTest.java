package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveExportLimitTest {
  private static final long TARGET = 1_000;

  @Test
  void slowExportsShrinkTheBoundDownToOneAndFastOnesGrowItBackToTheMaximum() {
    AdaptiveExportLimit limit = new AdaptiveExportLimit(10, TARGET);
    assertThat(limit.limit()).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      assertThat(limit.tryAcquire()).isTrue();
    }
    assertThat(limit.tryAcquire()).as("at the maximum").isFalse();

    for (int i = 0; i < 10; i++) {
      limit.release(TARGET + 1, false);
    }
    assertThat(limit.limit()).isEqualTo(3); // 10 x 0.9^10 = 3.49
    for (int i = 0; i < 30; i++) {
      limit.tryAcquire();
      limit.release(TARGET + 1, false);
    }
    assertThat(limit.limit()).as("never below one").isEqualTo(1);

    for (int i = 0; i < 200; i++) {
      assertThat(limit.tryAcquire()).isTrue();
      limit.release(TARGET, false);
    }
    assertThat(limit.limit()).as("back to, and not past, the maximum").isEqualTo(10);
    assertThat(limit.inFlight()).isZero();
  }

  @Test
  void aBusyStoreShrinksTheBoundHoweverFastItAnswered() {
    AdaptiveExportLimit limit = new AdaptiveExportLimit(10, TARGET);
    limit.tryAcquire();
    limit.release(1, true);
    assertThat(limit.limit()).isEqualTo(9);
  }
}
