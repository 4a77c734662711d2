package io.tracebridge.cloudwatch.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogEventBatcherTest {
  private final LogEventBatcher batcher = new LogEventBatcher();

  @Test
  void sortsChronologically() {
    List<List<LogEvent>> batches = batcher.batches(List.of(new LogEvent(3, "c"), new LogEvent(1, "a"), new LogEvent(2, "b")));
    assertThat(batches).singleElement().extracting(b -> b.stream().map(LogEvent::message).toList())
        .isEqualTo(List.of("a", "b", "c"));
  }

  @Test
  void countsTwentySixBytesPerEventTowardsTheBatchLimit() {
    // 1,048,576 / (1000 + 26) = 1022 events fit; without the overhead 1048 would.
    String message = "x".repeat(1000);
    List<LogEvent> events = new ArrayList<>();
    for (int i = 0; i < 1100; i++) {
      events.add(new LogEvent(i, message));
    }
    List<List<LogEvent>> batches = batcher.batches(events);
    assertThat(batches.get(0)).hasSize(1022);
    assertThat(batches).allSatisfy(b -> assertThat(b.stream().mapToLong(e -> e.messageBytes() + 26L).sum())
        .isLessThanOrEqualTo(LogEventBatcher.MAX_BATCH_BYTES));
  }

  @Test
  void atMostTenThousandEventsPerBatch() {
    List<LogEvent> events = new ArrayList<>();
    for (int i = 0; i < 10_001; i++) {
      events.add(new LogEvent(i, "m"));
    }
    assertThat(batcher.batches(events)).extracting(List::size).containsExactly(10_000, 1);
  }

  @Test
  void aBatchSpansLessThanTwentyFourHours() {
    long day = Duration.ofHours(24).toMillis();
    List<List<LogEvent>> batches = batcher.batches(List.of(new LogEvent(0, "a"), new LogEvent(day - 1, "b"), new LogEvent(day, "c")));
    assertThat(batches).extracting(List::size).containsExactly(2, 1);
  }

  @Test
  void oversizedEventIsTruncatedOnACharacterBoundaryWithAMarker() {
    LogEventBatcher small = new LogEventBatcher(LogEventBatcher.MAX_BATCH_BYTES, 10_000, 100);
    LogEvent event = small.fit(new LogEvent(1, "é".repeat(200)));
    assertThat(event.truncated()).isTrue();
    assertThat(event.messageBytes()).isLessThanOrEqualTo(100);
    assertThat(event.message()).endsWith("…[truncated 400 bytes]").doesNotContain("\uFFFD");
    assertThat(new String(event.message().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(event.message());
  }
}
