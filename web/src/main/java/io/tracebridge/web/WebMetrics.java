package io.tracebridge.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web node's and the store's metrics, scraped at {@code GET /metrics} (Prometheus text).
 *
 * <ul>
 *   <li>{@code tracebridge_records_stored_total}: record versions made durable (its rate is the
 *       ingest rate); {@code tracebridge_ingest_batches_total}: store writes.
 *   <li>{@code tracebridge_store_latency_seconds{operation}}: store calls, from call to completion.
 *   <li>{@code tracebridge_websocket_clients}: open websockets; {@code
 *       tracebridge_websocket_queued_frames}: frames held for slow clients, all clients together
 *       (bounded by maxPendingRecords per client).
 *   <li>{@code tracebridge_drops_total{reason}}: what was not delivered as it came: {@code
 *       slow_client} (a client told to resync), {@code live_unreadable}, {@code store_write_failed}.
 * </ul>
 *
 * Thread-safe.
 */
public final class WebMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter recordsStored;
  private final Counter batches;
  private final AtomicLong clients = new AtomicLong();
  private final AtomicLong queuedFrames = new AtomicLong();

  public WebMetrics() {
    recordsStored = Counter.builder("tracebridge.records.stored")
        .description("record versions made durable").register(registry);
    batches = Counter.builder("tracebridge.ingest.batches")
        .description("store writes (accept calls)").register(registry);
    Gauge.builder("tracebridge.websocket.clients", clients, AtomicLong::get)
        .description("open websocket connections").register(registry);
    Gauge.builder("tracebridge.websocket.queued.frames", queuedFrames, AtomicLong::get)
        .description("frames held for slow websocket clients").register(registry);
    for (String reason : new String[] {"slow_client", "live_unreadable", "store_write_failed"}) {
      drops(reason);
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  void recordsStored(int count) {
    recordsStored.increment(count);
  }

  void batch() {
    batches.increment();
  }

  void storeLatency(String operation, Duration elapsed) {
    Timer.builder("tracebridge.store.latency").tag("operation", operation)
        .publishPercentileHistogram(false).register(registry).record(elapsed);
  }

  void drop(String reason) {
    drops(reason).increment();
  }

  private Counter drops(String reason) {
    return Counter.builder("tracebridge.drops").tag("reason", reason)
        .description("records or frames not delivered as they came").register(registry);
  }

  AtomicLong clients() {
    return clients;
  }

  AtomicLong queuedFrames() {
    return queuedFrames;
  }

  /** Frames held for slow websocket clients right now, all clients together. */
  public long queuedFrameCount() {
    return queuedFrames.get();
  }

  /** Slow clients told to resync since start. */
  public double slowClientResyncs() {
    return drops("slow_client").count();
  }
}
