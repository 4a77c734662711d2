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
    RETRIES("cloudwatch.retries"),
    /**
     * Spans not exported by this forwarder because their resource says the runtime already
     * exported them ({@value CloudWatchExport#EXPORTED_ATTRIBUTE}{@code =true}).
     */
    SPANS_SKIPPED_ALREADY_EXPORTED("cloudwatch.spans.skipped.already_exported"),
    /** OTLP log records taken into the queue (forwarded log records). */
    LOG_RECORDS_ACCEPTED("cloudwatch.logs.records.accepted"),
    /** Log records refused because the queue was full. */
    LOG_RECORDS_DROPPED_QUEUE_FULL("cloudwatch.logs.records.dropped.queue_full"),
    /** Log records refused or discarded because the export was shutting down. */
    LOG_RECORDS_DROPPED_SHUTDOWN("cloudwatch.logs.records.dropped.shutdown"),
    /** Log records not forwarded because the runtime already exported them. */
    LOG_RECORDS_SKIPPED_ALREADY_EXPORTED("cloudwatch.logs.records.skipped.already_exported"),
    /** Log events made (content events, EMF lines, forwarded log records) and handed to the sender. */
    LOG_EVENTS_QUEUED("cloudwatch.logs.events.queued"),
    /** PutTraceSegments calls made (batches of at most 50). */
    XRAY_BATCHES("cloudwatch.xray.batches"),
    /** UTF-8 bytes of the segment documents handed to PutTraceSegments. */
    XRAY_BYTES("cloudwatch.xray.bytes"),
    /** OTLP requests handed to the OTLP endpoint. */
    OTLP_REQUESTS("cloudwatch.otlp.requests"),
    /** Protobuf bytes (before gzip) of those requests. */
    OTLP_BYTES("cloudwatch.otlp.bytes"),
    /** PutLogEvents batches accepted. */
    LOG_BATCHES("cloudwatch.logs.batches"),
    /** Bytes of the accepted batches, counted as PutLogEvents counts them (UTF-8 + 26 per event). */
    LOG_BYTES("cloudwatch.logs.bytes");

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

  /**
   * One Prometheus counter: its name without the {@code _total} suffix a registry adds (dots,
   * e.g. {@code tracebridge.cloudwatch.spans.sent}), its labels and the counters it sums.
   */
  public record Metric(String name, Map<String, String> tags, String description, java.util.List<Counter> sums) {
    public long value(ExportStats stats) {
      long total = 0;
      for (Counter counter : sums) {
        total += stats.get(counter);
      }
      return total;
    }
  }

  /**
   * The counters as Prometheus families (a registry renders {@code tracebridge.cloudwatch.x.y} as
   * {@code tracebridge_cloudwatch_x_y_total}): spans and log events queued, sent, retried,
   * dropped by reason, skipped as already exported, truncated; batches and bytes by API.
   */
  public static java.util.List<Metric> metrics() {
    String p = "tracebridge.cloudwatch.";
    return java.util.List.of(
        m(p + "spans.queued", Map.of(), "spans taken into the export queue", Counter.SPANS_ACCEPTED),
        m(p + "spans.sent", Map.of("destination", "xray"), "spans X-Ray accepted (one segment document each)", Counter.SEGMENTS_SENT),
        m(p + "spans.sent", Map.of("destination", "otlp"), "spans the OTLP endpoint accepted", Counter.OTLP_SPANS_SENT),
        m(p + "spans.dropped", Map.of("reason", "queue_full"), "spans dropped", Counter.SPANS_DROPPED_QUEUE_FULL),
        m(p + "spans.dropped", Map.of("reason", "shutdown"), "spans dropped", Counter.SPANS_DROPPED_SHUTDOWN),
        m(p + "spans.dropped", Map.of("reason", "untranslatable"), "spans dropped", Counter.SPANS_SKIPPED_UNTRANSLATABLE),
        m(p + "spans.dropped", Map.of("reason", "rejected"), "spans dropped", Counter.SEGMENTS_FAILED, Counter.OTLP_SPANS_FAILED),
        m(p + "spans.skipped", Map.of("reason", "already_exported"), "spans the runtime already exported", Counter.SPANS_SKIPPED_ALREADY_EXPORTED),
        m(p + "spans.trimmed", Map.of(), "segment documents trimmed to 64 KB", Counter.SEGMENTS_TRIMMED),
        m(p + "retried", Map.of(), "retries of calls and unprocessed segments", Counter.RETRIES),
        m(p + "log.records.queued", Map.of(), "OTLP log records taken into the queue", Counter.LOG_RECORDS_ACCEPTED),
        m(p + "log.records.dropped", Map.of("reason", "queue_full"), "log records dropped", Counter.LOG_RECORDS_DROPPED_QUEUE_FULL),
        m(p + "log.records.dropped", Map.of("reason", "shutdown"), "log records dropped", Counter.LOG_RECORDS_DROPPED_SHUTDOWN),
        m(p + "log.records.skipped", Map.of("reason", "already_exported"), "log records the runtime already exported",
            Counter.LOG_RECORDS_SKIPPED_ALREADY_EXPORTED),
        m(p + "log.events.queued", Map.of(), "log events handed to PutLogEvents", Counter.LOG_EVENTS_QUEUED),
        m(p + "log.events.sent", Map.of(), "log events PutLogEvents accepted", Counter.LOG_EVENTS_SENT),
        m(p + "log.events.dropped", Map.of("reason", "rejected"), "log events dropped", Counter.LOG_EVENTS_FAILED),
        m(p + "log.events.truncated", Map.of(), "log events cut to 256 KB", Counter.LOG_EVENTS_TRUNCATED),
        m(p + "batches", Map.of("api", "PutTraceSegments"), "calls made", Counter.XRAY_BATCHES),
        m(p + "batches", Map.of("api", "otlp"), "calls made", Counter.OTLP_REQUESTS),
        m(p + "batches", Map.of("api", "PutLogEvents"), "calls made", Counter.LOG_BATCHES),
        m(p + "bytes", Map.of("api", "PutTraceSegments"), "payload bytes", Counter.XRAY_BYTES),
        m(p + "bytes", Map.of("api", "otlp"), "payload bytes", Counter.OTLP_BYTES),
        m(p + "bytes", Map.of("api", "PutLogEvents"), "payload bytes", Counter.LOG_BYTES));
  }

  private static Metric m(String name, Map<String, String> tags, String description, Counter... sums) {
    return new Metric(name, tags, description, java.util.List.of(sums));
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
