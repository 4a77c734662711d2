package io.tracebridge.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tracebridge.cloudwatch.ExportStats;

/**
 * Binds the CloudWatch export's counters ({@link ExportStats#metrics()}) to a Micrometer registry
 * as function counters, so {@code GET /metrics} shows them in Prometheus naming: {@code
 * tracebridge_cloudwatch_spans_queued_total}, {@code ..._spans_sent_total{destination}}, {@code
 * ..._spans_dropped_total{reason}}, {@code ..._retried_total}, {@code ..._log_events_*_total},
 * {@code ..._batches_total{api}}, {@code ..._bytes_total{api}}, ...
 */
final class CloudWatchMetrics {
  private CloudWatchMetrics() {}

  static void bind(ExportStats stats, MeterRegistry registry) {
    for (ExportStats.Metric metric : ExportStats.metrics()) {
      Tags tags = Tags.empty();
      for (var tag : metric.tags().entrySet()) {
        tags = tags.and(tag.getKey(), tag.getValue());
      }
      FunctionCounter.builder(metric.name(), stats, metric::value)
          .tags(tags)
          .description("CloudWatch export: " + metric.description())
          .register(registry);
    }
  }
}
