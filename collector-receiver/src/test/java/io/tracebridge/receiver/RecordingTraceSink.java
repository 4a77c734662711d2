package io.tracebridge.receiver;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.TraceSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A sink that keeps every batch it accepts (the collector's consumertest.TracesSink). */
public final class RecordingTraceSink implements TraceSink {
  private final List<List<FunctionalRecord>> batches = new ArrayList<>();

  @Override
  public synchronized CompletionStage<Void> accept(List<FunctionalRecord> records) {
    batches.add(List.copyOf(records));
    return CompletableFuture.completedFuture(null);
  }

  public synchronized List<FunctionalRecord> records() {
    return batches.stream().flatMap(List::stream).toList();
  }

  public synchronized int batchCount() {
    return batches.size();
  }
}
