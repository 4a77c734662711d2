package io.tracebridge.receiver;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.store.TraceSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stores records durably, then publishes them live: the tail both export handlers share.
 *
 * <p>The returned stage completes when the durable sink has completed and fails with its failure;
 * the live sink is only called after that, best effort, and its failures are counted, never
 * returned (the records are already stored and a live client catches up from the store).
 * Thread-safe.
 */
final class RecordPublisher {
  private final TraceSink durable;
  private final TraceSink live;
  private final AtomicLong liveFailures = new AtomicLong();

  RecordPublisher(TraceSink durable, TraceSink live) {
    this.durable = durable;
    this.live = live;
  }

  CompletionStage<Void> publish(List<FunctionalRecord> records) {
    return records.isEmpty()
        ? CompletableFuture.completedFuture(null)
        : publish(records.get(0).tenant(), records, List.of());
  }

  /**
   * Stores {@code records} with the topology of the spans they came from ({@code spans}), when
   * the durable sink assembles traces ({@link TraceContextFiller}); other sinks get the records
   * alone.
   */
  CompletionStage<Void> publish(String tenant, List<FunctionalRecord> records, List<SpanNode> spans) {
    if (records.isEmpty() && spans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletionStage<Void> stored;
    try {
      if (durable instanceof TraceContextFiller assembler) {
        stored = assembler.accept(tenant, records, spans);
      } else if (records.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      } else {
        stored = durable.accept(records);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return stored.thenRun(() -> {
      if (!records.isEmpty()) {
        publishLive(records);
      }
    });
  }

  long liveFailures() {
    return liveFailures.get();
  }

  private void publishLive(List<FunctionalRecord> records) {
    try {
      live.accept(records).whenComplete((ok, error) -> {
        if (error != null) {
          liveFailures.incrementAndGet();
        }
      });
    } catch (RuntimeException e) {
      liveFailures.incrementAndGet();
    }
  }
}
