package io.tracebridge.store.memory;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link TraceStore} in a {@link ConcurrentHashMap}: (tenant, W3C trace id) → record id → record.
 *
 * <p>Thread-safe; every operation completes before it returns (the stages it hands out are
 * already complete), so it never blocks a caller for long. Idempotent by record id: a record
 * accepted again replaces the earlier one. Records are immutable, so they are stored and returned
 * as they are; the returned lists are new and belong to the caller. Session queries scan the
 * tenant's traces, which is fine for the volumes this store is meant for. After {@link #shutdown()}
 * {@link #accept} fails with a permanent {@link StoreException}; reads keep working.
 */
public final class InMemoryTraceStore implements TraceStore {
  private record TraceKey(String tenant, String w3cTraceId) {}

  private final Map<TraceKey, Map<String, FunctionalRecord>> traces = new ConcurrentHashMap<>();
  private final AtomicBoolean shutdown = new AtomicBoolean();

  public InMemoryTraceStore() {}

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    if (shutdown.get()) {
      return CompletableFuture.failedFuture(new StoreException("store is shut down", false));
    }
    for (FunctionalRecord r : records) {
      if (!TraceIds.isValid(r.traceId())) {
        return CompletableFuture.failedFuture(
            new StoreException("record " + r.recordId() + " has an invalid traceId", false));
      }
    }
    for (FunctionalRecord r : records) {
      traces
          .computeIfAbsent(
              new TraceKey(r.tenant(), TraceIds.toW3c(r.traceId())),
              k -> new ConcurrentHashMap<>())
          .put(r.recordId(), r);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
    Map<String, FunctionalRecord> trace = traces.get(new TraceKey(tenant, TraceIds.toW3c(traceId)));
    List<FunctionalRecord> found =
        trace == null
            ? List.of()
            : trace.values().stream().sorted(FunctionalRecord.TIMELINE).toList();
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId) {
    List<FunctionalRecord> found =
        traces.entrySet().stream()
            .filter(e -> e.getKey().tenant().equals(tenant))
            .flatMap(e -> e.getValue().values().stream())
            .filter(r -> Objects.equals(r.sessionId(), sessionId))
            .sorted(FunctionalRecord.TIMELINE)
            .toList();
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<Void> shutdown() {
    shutdown.set(true);
    return CompletableFuture.completedFuture(null);
  }
}
