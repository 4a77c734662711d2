package io.tracebridge.dist;

import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OpenTelemetry SDK's own OTLP/gRPC span exporter, one per receiver, with client-side failover
 * between them: {@link #export} sends to the receiver asked for and, if that export fails (the
 * receiver is down, or dies while it holds the request), sends the same spans to the next one,
 * until one acknowledges. That is what an agent behind a load balancer gets; the SDK's exporter
 * alone retries only the one endpoint it was built with. The receivers make a re-sent export
 * harmless: records have deterministic ids and usage is counted once per record.
 *
 * <p>Each exporter keeps the SDK's retry on retryable answers, shortened to {@link #ATTEMPTS}
 * attempts so that a dead receiver costs little before failing over.
 *
 * <p>Thread-safe: exports may run concurrently.
 */
public final class FailoverExporter implements AutoCloseable {
  /** Attempts of the SDK's own retry against one receiver before failing over. */
  static final int ATTEMPTS = 2;
  private static final Duration BACKOFF = Duration.ofMillis(50);
  /** Times every receiver is tried before an export is given up (a loaded machine may time out once). */
  static final int ROUNDS = 3;
  /** How long one receiver may take to acknowledge before the export counts as failed there. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Which receiver acknowledged an export, and how many it tried before. */
  public record Outcome(int receiver, int failedAttempts) {}

  private final List<OtlpGrpcSpanExporter> exporters = new ArrayList<>();
  /**
   * Runs the exporters' HTTP/2 calls. The SDK's default executor takes a handful of calls at once
   * and rejects the rest; exports here may be many in flight (the benchmark's open loop).
   */
  private final ExecutorService calls = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "failover-exporter");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicLong failovers = new AtomicLong();

  /** One exporter per OTLP/gRPC endpoint ({@code http://host:port}). */
  public FailoverExporter(List<String> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no receiver to export to");
    }
    for (String endpoint : endpoints) {
      exporters.add(OtlpGrpcSpanExporter.builder()
          .setEndpoint(endpoint)
          .setTimeout(TIMEOUT)
          .setExecutorService(calls)
          .setRetryPolicy(RetryPolicy.builder()
              .setMaxAttempts(ATTEMPTS)
              .setInitialBackoff(BACKOFF)
              .setMaxBackoff(BACKOFF)
              .build())
          .build());
    }
  }

  /**
   * Exports {@code spans} to receiver {@code preferred} (modulo the number of receivers) or,
   * failing that, to each next one in turn, for up to {@link #ROUNDS} rounds; blocks until one
   * acknowledges.
   *
   * @throws IllegalStateException if every receiver failed in every round
   */
  public Outcome export(Collection<SpanData> spans, int preferred) {
    int n = exporters.size();
    for (int attempt = 0; attempt < n * ROUNDS; attempt++) {
      int receiver = Math.floorMod(preferred + attempt, n);
      CompletableResultCode result = exporters.get(receiver).export(spans)
          .join(TIMEOUT.toMillis() * (ATTEMPTS + 1), TimeUnit.MILLISECONDS);
      if (result.isSuccess()) {
        if (receiver != Math.floorMod(preferred, n)) {
          failovers.incrementAndGet();
        }
        return new Outcome(receiver, attempt);
      }
    }
    throw new IllegalStateException("no receiver of " + n + " acknowledged an export of " + spans.size()
        + " spans in " + ROUNDS + " rounds");
  }

  /** Exports acknowledged by another receiver than the one asked for. */
  public long failovers() {
    return failovers.get();
  }

  @Override
  public void close() {
    exporters.forEach(e -> e.shutdown().join(5, TimeUnit.SECONDS));
    calls.shutdown();
  }
}
