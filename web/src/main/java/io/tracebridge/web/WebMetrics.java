package io.tracebridge.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tracebridge.store.StoredRecordListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web node's and the store's metrics, scraped at {@code GET /metrics} (Prometheus text).
 *
 * <ul>
 *   <li>{@code tracebridge_records_stored_total}: record versions made durable (its rate is the
 *       ingest rate); {@code tracebridge_ingest_batches_total}: store writes.
 *   <li>{@code tracebridge_store_latency_seconds{operation}}: store calls, from call to completion,
 *       a histogram ({@code _bucket{le}}, 1 ms to 10 s).
 *   <li>{@code tracebridge_websocket_clients}: open websockets; {@code
 *       tracebridge_websocket_queued_frames}: frames held for slow clients, all clients together
 *       (bounded by maxPendingRecords per client).
 *   <li>{@code tracebridge_websocket_connections_total}: websockets opened; {@code
 *       tracebridge_websocket_subscriptions_total}: subscriptions opened (trace, session, agent
 *       or run list); {@code tracebridge_websocket_frames_sent_total}: frames written to clients;
 *       {@code tracebridge_websocket_frames_dropped_total}: frames discarded when a slow client was
 *       told to resync and closed (held for it, or the one that did not fit).
 *   <li>{@code tracebridge_drops_total{reason}}: what was not delivered as it came: {@code
 *       slow_client} (a client told to resync), {@code live_unreadable}, {@code
 *       live_backlog} (a batch the live publisher had no room for), {@code store_write_failed}.
 * </ul>
 *
 * Thread-safe.
 */
public final class WebMetrics {
  /** Buckets of the store latency histogram: 1 ms to 10 s. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final PrometheusMeterRegistry registry;
  private final Counter recordsStored;
  private final Counter batches;
  private final Counter connections;
  private final Counter subscriptions;
  private final Counter framesSent;
  private final Counter framesDropped;
  private final AtomicLong clients = new AtomicLong();
  private final AtomicLong queuedFrames = new AtomicLong();

  /** Over a registry of its own (tests, tools); a process hands in its one registry instead. */
  public WebMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Registers into {@code registry}, the process's one registry (made by the role). */
  public WebMetrics(PrometheusMeterRegistry registry) {
    this.registry = java.util.Objects.requireNonNull(registry, "registry");
    recordsStored = Counter.builder("tracebridge.records.stored")
        .description("record versions made durable").register(registry);
    batches = Counter.builder("tracebridge.ingest.batches")
        .description("store writes (accept calls)").register(registry);
    Gauge.builder("tracebridge.websocket.clients", clients, AtomicLong::get)
        .description("open websocket connections").register(registry);
    Gauge.builder("tracebridge.websocket.queued.frames", queuedFrames, AtomicLong::get)
        .description("frames held for slow websocket clients").register(registry);
    connections = Counter.builder("tracebridge.websocket.connections")
        .description("websocket connections opened").register(registry);
    subscriptions = Counter.builder("tracebridge.websocket.subscriptions")
        .description("websocket subscriptions opened").register(registry);
    framesSent = Counter.builder("tracebridge.websocket.frames.sent")
        .description("websocket frames written to clients").register(registry);
    framesDropped = Counter.builder("tracebridge.websocket.frames.dropped")
        .description("websocket frames discarded for slow clients told to resync").register(registry);
    for (String reason : new String[] {"slow_client", "live_unreadable", "live_backlog", "store_write_failed"}) {
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

  /**
   * A listener that counts the record versions a store reports stored ({@code
   * tracebridge_records_stored_total}): add it to the store of the node that writes ({@code
   * store.addListener(metrics.storedCounter())}). It only increments a counter, so it may run on
   * the store's thread.
   */
  public StoredRecordListener storedCounter() {
    return records -> recordsStored(records.size());
  }

  void connectionOpened() {
    connections.increment();
  }

  void subscriptionOpened() {
    subscriptions.increment();
  }

  void frameSent() {
    framesSent.increment();
  }

  void framesDropped(long count) {
    framesDropped.increment(count);
  }

  void batch() {
    batches.increment();
  }

  void storeLatency(String operation, Duration elapsed) {
    Timer.builder("tracebridge.store.latency").tag("operation", operation)
        .description("store calls, from call to completion")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry).record(elapsed);
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
