package io.tracebridge.cloudwatch;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the CloudWatch export, for a metrics registry (bind each {@link Counter} as a
 * function counter) and for tests. Monotonic, thread-safe, never reset.
 */
public final class ExportStats {
  /** What is counted. Names are metric-friendly. */
  public enum Counter {
    /** Spans taken into the queue. */
    SPANS_ACCEPTED("cloudwatch.spans.accepted"),
    /** Spans refused because the queue was full (the caller was not blocked). */
    SPANS_DROPPED_QUEUE_FULL("cloudwatch.spans.dropped.queue_full"),
    /** Spans refused or discarded because the export was shutting down. */
    SPANS_DROPPED_SHUTDOWN("cloudwatch.spans.dropped.shutdown"),
    /** Spans that could not be translated to a segment (invalid ids, epoch rule, size). */
    SPANS_SKIPPED_UNTRANSLATABLE("cloudwatch.spans.skipped.untranslatable"),
    /** Segment documents X-Ray accepted. */
    SEGMENTS_SENT("cloudwatch.xray.segments.sent"),
    /** Segment documents trimmed to fit 64 KB. */
    SEGMENTS_TRIMMED("cloudwatch.xray.segments.trimmed"),
    /** Segment documents given up on (permanent error, unprocessed, retries exhausted). */
    SEGMENTS_FAILED("cloudwatch.xray.segments.failed"),
    /** Spans the OTLP endpoint accepted. */
    OTLP_SPANS_SENT("cloudwatch.otlp.spans.sent"),
    /** Spans given up on in OTLP mode. */
    OTLP_SPANS_FAILED("cloudwatch.otlp.spans.failed"),
    /** Content and EMF log events accepted. */
    LOG_EVENTS_SENT("cloudwatch.logs.events.sent"),
    /** Log events whose content was cut to fit the event size limit. */
    LOG_EVENTS_TRUNCATED("cloudwatch.logs.events.truncated"),
    /** Log events given up on or rejected. */
    LOG_EVENTS_FAILED("cloudwatch.logs.events.failed"),
    /** Retries made (calls and unprocessed segments). */
    RETRIES("cloudwatch.retries");

    private final String metricName;

    Counter(String metricName) {
      this.metricName = metricName;
    }

    public String metricName() {
      return metricName;
    }
  }

  private final Map<Counter, AtomicLong> counters = new EnumMap<>(Counter.class);

  private final java.util.function.LongSupplier retries;

  ExportStats(java.util.function.LongSupplier retries) {
    this.retries = retries;
    for (Counter counter : Counter.values()) {
      counters.put(counter, new AtomicLong());
    }
  }

  public long get(Counter counter) {
    return counter == Counter.RETRIES ? retries.getAsLong() : counters.get(counter).get();
  }

  void add(Counter counter, long delta) {
    if (delta != 0) {
      counters.get(counter).addAndGet(delta);
    }
  }

  /** Spans that will never reach CloudWatch's trace store: every drop and failure above. */
  public long droppedSpans() {
    return get(Counter.SPANS_DROPPED_QUEUE_FULL) + get(Counter.SPANS_DROPPED_SHUTDOWN)
        + get(Counter.SPANS_SKIPPED_UNTRANSLATABLE) + get(Counter.SEGMENTS_FAILED) + get(Counter.OTLP_SPANS_FAILED);
  }

  /** A snapshot of every counter by metric name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new java.util.LinkedHashMap<>();
    for (Counter counter : Counter.values()) {
      snapshot.put(counter.metricName(), get(counter));
    }
    return snapshot;
  }

  @Override
  public String toString() {
    return "ExportStats" + snapshot();
  }
}
