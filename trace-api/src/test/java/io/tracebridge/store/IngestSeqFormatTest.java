package io.tracebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hand-written formatting of ingest sequences gives exactly what {@code %019d} gave. */
class IngestSeqFormatTest {
  private static final long[] STAMPS = {
    0, 1, 9, 10, 999_999_999L, 1_000_000_000L, 1_764_806_400_123_456_789L,
    999_999_999_999_999_999L, Long.MAX_VALUE, -1, -42, Long.MIN_VALUE + 1
  };

  @Test
  void formatMatchesTheFormatString() {
    for (long stamp : STAMPS) {
      assertThat(IngestSeq.format(stamp, "rec-1"))
          .as("stamp %d", stamp)
          .isEqualTo(String.format("%019d#%s", stamp, "rec-1"));
      assertThat(IngestSeq.format(stamp, "")).isEqualTo(String.format("%019d#%s", stamp, ""));
    }
  }

  @Test
  void floorMatchesTheFormatString() {
    for (long stamp : STAMPS) {
      assertThat(IngestSeq.floor(stamp))
          .as("stamp %d", stamp)
          .isEqualTo(String.format("%019d", Math.max(0, stamp)));
    }
  }

  @Test
  void formattedSequencesSortAsTheirStamps() {
    String earlier = IngestSeq.format(999_999_999L, "b");
    String later = IngestSeq.format(1_000_000_000L, "a");
    assertThat(earlier).isLessThan(later);
    assertThat(IngestSeq.stampNanos(later)).isEqualTo(1_000_000_000L);
  }
}
