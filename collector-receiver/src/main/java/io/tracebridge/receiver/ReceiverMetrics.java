package io.tracebridge.receiver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Duration;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * The receiver's counters, named as the OTel Collector's receiver counters ({@code
 * otelcol_receiver_accepted_spans} ...), in the registry the caller hands in (one per process,
 * made by the role). In Prometheus form:
 *
 * <ul>
 *   <li>{@code tracebridge_receiver_accepted_spans_total{transport}}, {@code
 *       ..._accepted_log_records_total{transport}}: items of decoded exports that were stored.
 *   <li>{@code tracebridge_receiver_refused_spans_total{transport,reason}}, {@code
 *       ..._refused_log_records_total{transport,reason}}: items of decoded exports that were not
 *       stored: {@code invalid} (the mapper rejected the item, partial success), or the whole
 *       export failed ({@link ExportErrors#reason}: {@code store_unavailable}, {@code caller_gone},
 *       ...).
 *   <li>{@code tracebridge_receiver_refused_requests_total{transport,reason}}: requests refused
 *       before or while they were read (their items are not counted, they are unknown): {@code
 *       unauthenticated}, {@code overloaded}, {@code undecodable}, {@code too_large}, ...
 *   <li>{@code tracebridge_receiver_export_seconds{transport,signal}}: from a decoded export to its
 *       outcome (map, store, forward), a histogram with fixed buckets.
 * </ul>
 *
 * {@code transport} is {@code grpc} or {@code http}. Thread-safe.
 */
public final class ReceiverMetrics {
  /** The transport label. */
  public enum Transport {
    GRPC("grpc"),
    HTTP("http");

    final String label;

    Transport(String label) {
      this.label = label;
    }
  }

  /** Buckets of the export histogram: 1 ms to 10 s. */
  static final Duration[] EXPORT_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;

  /** Counts into {@code registry}; the counters with no reason are registered at once (at 0). */
  public ReceiverMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    for (Transport t : Transport.values()) {
      accepted(t, ExportOutcome.Signal.TRACES);
      accepted(t, ExportOutcome.Signal.LOGS);
    }
  }

  /** Counts nothing (a registry with no backend): tests and tools that do not scrape. */
  public static ReceiverMetrics none() {
    return new ReceiverMetrics(new CompositeMeterRegistry());
  }

  /** The registry counted into (the gRPC server's binder registers there too). */
  public MeterRegistry registry() {
    return registry;
  }

  /** Spans in a traces request. */
  static int items(ExportTraceServiceRequest request) {
    int n = 0;
    for (var resource : request.getResourceSpansList()) {
      for (var scope : resource.getScopeSpansList()) {
        n += scope.getSpansCount();
      }
    }
    return n;
  }

  /** Log records in a logs request. */
  static int items(ExportLogsServiceRequest request) {
    int n = 0;
    for (var resource : request.getResourceLogsList()) {
      for (var scope : resource.getScopeLogsList()) {
        n += scope.getLogRecordsCount();
      }
    }
    return n;
  }

  /** One decoded export of {@code items} items finished with {@code outcome} or {@code failure}. */
  void exported(Transport transport, ExportOutcome.Signal signal, int items, long elapsedNanos,
      @Nullable ExportOutcome outcome, @Nullable Throwable failure) {
    Timer.builder("tracebridge.receiver.export")
        .description("from a decoded OTLP export to its outcome")
        .tag("transport", transport.label)
        .tag("signal", signal == ExportOutcome.Signal.TRACES ? "traces" : "logs")
        .serviceLevelObjectives(EXPORT_BUCKETS)
        .register(registry)
        .record(Duration.ofNanos(elapsedNanos));
    if (failure != null || outcome == null) {
      refused(transport, signal, ExportErrors.reason(failure)).increment(items);
      return;
    }
    int rejected = Math.min(items, outcome.rejected());
    accepted(transport, signal).increment(items - rejected);
    if (rejected > 0) {
      refused(transport, signal, "invalid").increment(rejected);
    }
  }

  /** A request refused before its items were known (authentication, admission, decoding). */
  public void refusedRequest(Transport transport, Throwable failure) {
    Counter.builder("tracebridge.receiver.refused.requests")
        .description("OTLP requests refused before their items were read")
        .tag("transport", transport.label)
        .tag("reason", ExportErrors.reason(failure))
        .register(registry)
        .increment();
  }

  private Counter accepted(Transport transport, ExportOutcome.Signal signal) {
    return Counter.builder(signal == ExportOutcome.Signal.TRACES
            ? "tracebridge.receiver.accepted.spans" : "tracebridge.receiver.accepted.log.records")
        .description("items of OTLP exports stored")
        .tag("transport", transport.label)
        .register(registry);
  }

  private Counter refused(Transport transport, ExportOutcome.Signal signal, String reason) {
    return Counter.builder(signal == ExportOutcome.Signal.TRACES
            ? "tracebridge.receiver.refused.spans" : "tracebridge.receiver.refused.log.records")
        .description("items of OTLP exports not stored")
        .tag("transport", transport.label)
        .tag("reason", reason)
        .register(registry);
  }
}
