package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanNode;
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

  /**
   * Stores {@code records} (all of {@code tenant}) with the topology of the spans they came from
   * ({@code spans}, one per span of the export, whether or not it gave records). A sink that
   * assembles traces across exports ({@link io.tracebridge.store.assembly.TraceContextFiller})
   * keeps the spans; any other gets the records alone (nothing to do when there are none).
   */
  default CompletionStage<Void> accept(String tenant, List<FunctionalRecord> records, List<SpanNode> spans) {
    return records.isEmpty() ? CompletableFuture.completedFuture(null) : accept(records);
  }

  /** Flushes and releases resources; accepts nothing after. */
  default CompletionStage<Void> shutdown() {
    return CompletableFuture.completedFuture(null);
  }
}
