package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.dynamodb.UsageItems.Marker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code TraceAssemblyStore.remove}: superseded records deleted, each in one transaction with its
 * marker and the ADDs that take its count back ({@link UsageLedger}); the listeners hear of the
 * records that were there. One task on the store's pool. Thread-safe.
 */
final class RecordRemoval {
  private final ItemReads reads;
  private final UsageLedger ledger;
  private final StoredListeners listeners;
  private final StoreExecutor executor;

  RecordRemoval(ItemReads reads, UsageLedger ledger, StoredListeners listeners, StoreExecutor executor) {
    this.reads = reads;
    this.ledger = ledger;
    this.listeners = listeners;
    this.executor = executor;
  }

  /** Reads the records and their call markers (one BatchGetItem per 8 ids), then removes each. */
  CompletionStage<Void> remove(String tenant, String traceId, Collection<String> recordIds) {
    String pk;
    try {
      pk = DynamoItem.tracePk(tenant, traceId);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    List<String> ids = List.copyOf(new LinkedHashSet<>(recordIds));
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return executor.submit("TransactWriteItems", () -> {
      String w3c = TraceIds.toW3c(traceId);
      List<String> removed = new ArrayList<>();
      for (int from = 0; from < ids.size(); from += RecordWriter.MAX_BATCH_ITEMS) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : ids.subList(from, Math.min(from + RecordWriter.MAX_BATCH_ITEMS, ids.size()))) {
          keys.add(Map.of(DynamoItem.PK, AttributeValue.fromS(pk),
              DynamoItem.SK, AttributeValue.fromS(DynamoItem.recordSk(id))));
          keys.add(RecordWriter.markerKey(tenant, w3c, id));
        }
        List<UsageLedger.Entry> entries = new ArrayList<>();
        Map<String, Marker> markers = new HashMap<>();
        for (Map<String, AttributeValue> item : reads.batchGet(keys)) {
          String sk = item.get(DynamoItem.SK).s();
          if (sk.startsWith(DynamoItem.RECORD_PREFIX)) {
            entries.add(new UsageLedger.Entry(DynamoItem.fromItem(item), null, true));
          } else if (RecordWriter.isCallMarker(item)) {
            markers.put(item.get("recordId").s(), Marker.fromItem(item));
          }
        }
        if (!entries.isEmpty()) {
          ledger.count(entries, markers, null);
          entries.forEach(e -> removed.add(e.record().recordId()));
        }
      }
      if (!removed.isEmpty()) {
        listeners.removed(tenant, w3c, removed);
      }
      return null;
    });
  }
}
