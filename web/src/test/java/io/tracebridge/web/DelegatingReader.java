package io.tracebridge.web;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceReader;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** A reader that forwards to another; tests override the calls they want to slow or break. */
class DelegatingReader implements TraceReader {
  private final TraceReader delegate;

  DelegatingReader(TraceReader delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
    return delegate.findByTrace(tenant, traceId);
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId) {
    return delegate.findBySession(tenant, sessionId);
  }

  @Override
  public CompletionStage<List<StoredRecord>> feed(
      String tenant, FeedScope scope, String id, String afterSeq, int limit) {
    return delegate.feed(tenant, scope, id, afterSeq, limit);
  }

  @Override
  public CompletionStage<TracePage> listTraces(String tenant, TraceQuery query) {
    return delegate.listTraces(tenant, query);
  }

  @Override
  public CompletionStage<List<UsageCell>> usage(String tenant, UsageKind kind, LocalDate from, LocalDate to) {
    return delegate.usage(tenant, kind, from, to);
  }
}
