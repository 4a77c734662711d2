package io.tracebridge.web;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.StoredRecordListener;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import javax.annotation.Nullable;

/**
 * A {@link TraceStore} that times every call of the store it wraps into {@link WebMetrics}
 * (latency, ingest batches, failed writes). Pass it wherever the store is used (receiver and
 * web) so one set of metrics covers both. It registers nothing on the store: the wiring adds
 * {@link WebMetrics#storedCounter()} as a listener where record versions are counted (the node
 * that writes). Thread-safe when the delegate is.
 */
public final class MeteredTraceStore implements TraceStore {
  private final TraceStore delegate;
  private final WebMetrics metrics;

  public MeteredTraceStore(TraceStore delegate, WebMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public void addListener(StoredRecordListener listener) {
    delegate.addListener(listener);
  }

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    metrics.batch();
    return timed("accept", delegate.accept(records)).whenComplete((ok, e) -> {
      if (e != null) {
        metrics.drop("store_write_failed");
      }
    });
  }

  @Override
  public CompletionStage<Void> shutdown() {
    return delegate.shutdown();
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
    return timed("findByTrace", delegate.findByTrace(tenant, traceId));
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId) {
    return timed("findBySession", delegate.findBySession(tenant, sessionId));
  }

  @Override
  public CompletionStage<List<StoredRecord>> feed(
      String tenant, FeedScope scope, String id, @Nullable String afterSeq, int limit) {
    return timed("feed", delegate.feed(tenant, scope, id, afterSeq, limit));
  }

  @Override
  public CompletionStage<TracePage> listTraces(String tenant, TraceQuery query) {
    return timed("listTraces", delegate.listTraces(tenant, query));
  }

  @Override
  public CompletionStage<List<UsageCell>> usage(
      String tenant, UsageKind kind, LocalDate from, LocalDate to) {
    return timed("usage", delegate.usage(tenant, kind, from, to));
  }

  private <T> CompletionStage<T> timed(String operation, CompletionStage<T> stage) {
    long start = System.nanoTime();
    return stage.whenComplete((v, e) ->
        metrics.storeLatency(operation, Duration.ofNanos(System.nanoTime() - start)));
  }
}
