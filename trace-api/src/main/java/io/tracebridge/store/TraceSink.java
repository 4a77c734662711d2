package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Receives functional records.
 *
 * <p>Contract: {@link #accept} is idempotent by {@link FunctionalRecord#recordId()} (the same
 * record accepted twice is one record) and completes only once the records are durable for this
 * sink, or fails with a {@link StoreException} that says whether a retry can help. The caller
 * keeps no ownership duties: records are immutable. Implementations are thread-safe.
 */
public interface TraceSink {

  /** Stores or forwards {@code records}; the stage completes when that is done. */
  CompletionStage<Void> accept(List<FunctionalRecord> records);

  /** Flushes and releases resources; accepts nothing after. */
  default CompletionStage<Void> shutdown() {
    return CompletableFuture.completedFuture(null);
  }
}
