package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.StoredRecordListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's {@link StoredRecordListener}s and how they are told: once per {@code accept} (or
 * assembly {@code write}) call, with every version that call made durable in timeline order
 * (record start time, then the order of the export), on the path that completes the call's stage,
 * before it completes ({@link #tellWhenDone}). The writer collects what lands in a {@link Heard}
 * as it goes, from all the call's chunks, so a call that fails after some of its records are
 * durable still tells those. A listener that throws is logged and loses only live delivery.
 */
final class StoredListeners {
  private static final Logger LOG = LoggerFactory.getLogger("io.tracebridge.store.dynamodb.DynamoDbTraceStore");

  private final List<StoredRecordListener> listeners = new CopyOnWriteArrayList<>();

  void add(StoredRecordListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The versions one call makes durable, collected from its chunks. */
  static final class Heard {
    private final Map<String, Integer> exportOrder = new HashMap<>();
    private final List<StoredRecord> versions = new ArrayList<>();

    /** For the call writing {@code records}, in the order given. */
    Heard(List<FunctionalRecord> records) {
      for (int i = 0; i < records.size(); i++) {
        exportOrder.putIfAbsent(records.get(i).recordId(), i);
      }
    }

    /** A version made durable; null (nothing written) is ignored. Thread-safe. */
    synchronized void add(StoredRecord version) {
      if (version != null) {
        versions.add(version);
      }
    }

    /** What was added, by record start time, then by the export's order. */
    synchronized List<StoredRecord> inTimelineOrder() {
      List<StoredRecord> sorted = new ArrayList<>(versions);
      sorted.sort(Comparator.<StoredRecord>comparingLong(v -> v.record().timestampNanos())
          .thenComparingInt(v -> exportOrder.getOrDefault(v.record().recordId(), Integer.MAX_VALUE)));
      return List.copyOf(sorted);
    }
  }

  /**
   * A stage that completes as {@code done} does, after the listeners were told of what {@code
   * heard} holds then (once, if anything), on the thread that completed {@code done}.
   */
  CompletableFuture<Void> tellWhenDone(CompletableFuture<Void> done, Heard heard) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    done.whenComplete((ok, failure) -> {
      try {
        stored(heard.inTimelineOrder());
      } finally {
        if (failure == null) {
          result.complete(null);
        } else {
          result.completeExceptionally(failure);
        }
      }
    });
    return result;
  }

  private void stored(List<StoredRecord> versions) {
    if (versions.isEmpty()) {
      return;
    }
    for (StoredRecordListener l : listeners) {
      try {
        l.stored(versions);
      } catch (RuntimeException e) {
        LOG.warn("a stored-record listener failed; live delivery falls back to the store", e);
      }
    }
  }

  /** Tells the listeners of records removed from one trace. */
  void removed(String tenant, String traceId, List<String> recordIds) {
    List<String> view = List.copyOf(recordIds);
    for (StoredRecordListener l : listeners) {
      try {
        l.removed(tenant, traceId, view);
      } catch (RuntimeException e) {
        LOG.warn("a stored-record listener failed; live delivery falls back to the store", e);
      }
    }
  }
}
