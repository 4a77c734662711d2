package io.tracebridge.cloudwatch.logs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits log events into PutLogEvents batches within the API's limits:
 *
 * <ul>
 *   <li>batch size at most {@value #MAX_BATCH_BYTES} bytes, counted as the UTF-8 messages plus
 *       {@value #EVENT_OVERHEAD_BYTES} bytes per event;
 *   <li>at most {@value #MAX_BATCH_EVENTS} events;
 *   <li>events in chronological order (sorted here, stable for equal times);
 *   <li>a batch spans less than 24 hours;
 *   <li>each event at most {@value #MAX_EVENT_BYTES} bytes including the overhead (the older,
 *       smaller documented limit): a larger message is cut on a character boundary and ends with
 *       {@code …[truncated N bytes]}.
 * </ul>
 *
 * Pure and stateless.
 */
public final class LogEventBatcher {
  public static final int MAX_BATCH_BYTES = 1_048_576;
  public static final int EVENT_OVERHEAD_BYTES = 26;
  public static final int MAX_BATCH_EVENTS = 10_000;
  public static final int MAX_EVENT_BYTES = 256 * 1024;
  public static final int MAX_MESSAGE_BYTES = MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES;
  public static final Duration MAX_BATCH_SPAN = Duration.ofHours(24);

  private final int maxBatchBytes;
  private final int maxBatchEvents;
  private final int maxMessageBytes;

  public LogEventBatcher() {
    this(MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_MESSAGE_BYTES);
  }

  LogEventBatcher(int maxBatchBytes, int maxBatchEvents, int maxMessageBytes) {
    this.maxBatchBytes = maxBatchBytes;
    this.maxBatchEvents = maxBatchEvents;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** The events, truncated where needed, sorted and split into batches. */
  public List<List<LogEvent>> batches(List<LogEvent> events) {
    List<LogEvent> sorted = new ArrayList<>(events.size());
    for (LogEvent event : events) {
      sorted.add(fit(event));
    }
    sorted.sort(Comparator.comparingLong(LogEvent::timestampMillis));
    List<List<LogEvent>> batches = new ArrayList<>();
    List<LogEvent> batch = new ArrayList<>();
    long bytes = 0;
    long first = 0;
    for (LogEvent event : sorted) {
      int size = event.messageBytes() + EVENT_OVERHEAD_BYTES;
      boolean full = !batch.isEmpty()
          && (bytes + size > maxBatchBytes
              || batch.size() >= maxBatchEvents
              || event.timestampMillis() - first >= MAX_BATCH_SPAN.toMillis());
      if (full) {
        batches.add(List.copyOf(batch));
        batch.clear();
        bytes = 0;
      }
      if (batch.isEmpty()) {
        first = event.timestampMillis();
      }
      batch.add(event);
      bytes += size;
    }
    if (!batch.isEmpty()) {
      batches.add(List.copyOf(batch));
    }
    return batches;
  }

  /** The event itself, or a copy whose message is cut to the size limit with a marker. */
  LogEvent fit(LogEvent event) {
    byte[] utf8 = event.message().getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= maxMessageBytes) {
      return event;
    }
    String marker = "…[truncated " + utf8.length + " bytes]";
    int room = maxMessageBytes - marker.getBytes(StandardCharsets.UTF_8).length;
    StringBuilder kept = new StringBuilder();
    int used = 0;
    String message = event.message();
    for (int i = 0; i < message.length(); ) {
      int cp = message.codePointAt(i);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (used + size > room) {
        break;
      }
      kept.appendCodePoint(cp);
      used += size;
      i += Character.charCount(cp);
    }
    return new LogEvent(event.timestampMillis(), kept + marker, true);
  }
}
