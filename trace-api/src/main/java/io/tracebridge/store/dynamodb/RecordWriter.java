package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.dynamodb.RecordPuts.Write;
import io.tracebridge.store.dynamodb.StoredListeners.Heard;
import io.tracebridge.store.dynamodb.UsageItems.Marker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The write path of one trace's records: a chunk of a plain {@code accept} ({@link #writeChunk})
 * or all of an assembly pass's records written from its snapshot ({@link #writeKnown}), each
 * record through {@link RecordPuts} or, fresh and with no usage to count, in the blind batch
 * under the trace's {@link WriteLease}; then the trace's summary ({@link TraceSummaries}) and its
 * usage ({@link UsageLedger}). Versions made durable go to the call's {@link Heard}. Blocking, on
 * a pool thread. Thread-safe.
 */
final class RecordWriter {
  /** Records per write task: a trace's records are written in chunks of this many, in parallel. */
  static final int MAX_BATCH_ITEMS = 8;

  private final ItemReads reads;
  private final RecordPuts puts;
  private final SpanItems spanItems;
  private final WriteLease lease;
  private final TraceSummaries summaries;
  private final UsageLedger ledger;
  private final StoreExecutor executor;
  private final DynamoDbStoreStats stats;

  RecordWriter(ItemReads reads, RecordPuts puts, SpanItems spanItems, WriteLease lease,
      TraceSummaries summaries, UsageLedger ledger, StoreExecutor executor, DynamoDbStoreStats stats) {
    this.reads = reads;
    this.puts = puts;
    this.spanItems = spanItems;
    this.lease = lease;
    this.summaries = summaries;
    this.ledger = ledger;
    this.executor = executor;
    this.stats = stats;
  }

  /**
   * Writes {@code records} (not empty): deduped by key (the last wins) and grouped by trace; the
   * records of the one trace {@code known} (the snapshot of the pass writing, or null) read
   * through {@link #writeKnown}, any other in chunks ({@link #writeChunks}).
   */
  CompletableFuture<Void> accept(List<FunctionalRecord> records, @Nullable SnapshotBasis known, Heard heard) {
    // Dedupe by key (last wins), then group by trace so that summaries update once per chunk.
    Map<String, Map<String, FunctionalRecord>> byTrace = new LinkedHashMap<>();
    try {
      for (FunctionalRecord r : records) {
        byTrace.computeIfAbsent(DynamoItem.tracePk(r.tenant(), r.traceId()), k -> new LinkedHashMap<>())
            .put(r.recordId(), r);
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new StoreException("record cannot be stored: " + e.getMessage(), false, e));
    }
    if (known != null && byTrace.size() == 1 && byTrace.containsKey(known.pk())) {
      List<FunctionalRecord> list = new ArrayList<>(byTrace.get(known.pk()).values());
      // Taken here, on the caller's thread, so that write(..., spans, records) knows they go here.
      List<WriteRequest> spans = known.takeSpans();
      return submitKnown(list, known, spans, heard);
    }
    return writeChunks(byTrace.values(), heard);
  }

  /**
   * Writes the records of each trace in chunks of {@value #MAX_BATCH_ITEMS}, one pool task each
   * ({@link #writeChunk}); completes when all are done, failing as {@link StoreExecutor#allOf}.
   */
  CompletableFuture<Void> writeChunks(Collection<Map<String, FunctionalRecord>> byTrace, Heard heard) {
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (Map<String, FunctionalRecord> trace : byTrace) {
      List<FunctionalRecord> list = new ArrayList<>(trace.values());
      for (int from = 0; from < list.size(); from += MAX_BATCH_ITEMS) {
        List<FunctionalRecord> chunk = list.subList(from, Math.min(from + MAX_BATCH_ITEMS, list.size()));
        parts.add(executor.submit("PutItem", () -> {
          writeChunk(chunk, heard);
          return null;
        }));
      }
    }
    return parts.size() == 1 ? parts.get(0) : StoreExecutor.allOf(parts);
  }

  /** {@link #writeKnown} as one pool task. */
  CompletableFuture<Void> submitKnown(List<FunctionalRecord> records, SnapshotBasis known,
      @Nullable List<WriteRequest> spans, Heard heard) {
    return executor.submit("BatchWriteItem", () -> {
      writeKnown(records, known, spans, heard);
      return null;
    });
  }

  /**
   * Writes one chunk of one trace: one BatchGetItem reads the stored version of each record and
   * its usage marker; each record is merged with its stored version (a later version keeps what
   * it lacks from the earlier one, so a partial live record arriving after its span's full record
   * never erases fields), then put with a condition (skipped when nothing changes), and what
   * landed goes to {@code heard}; then the trace's summary is updated and the usage of the chunk's
   * records not yet counted is counted (one transaction, {@link UsageLedger}). Summary and usage
   * are applied to every record of the chunk, written or not, so a retry after a partial failure
   * completes them; both are idempotent.
   */
  void writeChunk(List<FunctionalRecord> chunk, Heard heard) {
    Stored stored = readStored(chunk);
    Map<String, FunctionalRecord> earlier = stored.records();
    List<FunctionalRecord> merged = new ArrayList<>(chunk.size());
    List<UsageLedger.Entry> counts = new ArrayList<>(chunk.size());
    // A record stored with its usage still to count carries a mark until its count lands.
    Predicate<FunctionalRecord> uncounted =
        r -> UsageLedger.needsCount(r, stored.markers().get(r.recordId()), stored.mode());
    for (FunctionalRecord r : chunk) {
      Write write = executor.retrying("PutItem", () -> puts.put(r, earlier.get(r.recordId()), uncounted));
      merged.add(write.record());
      counts.add(UsageLedger.Entry.stored(write.record(), write.contentHash()));
      heard.add(write.stored());
    }
    executor.retrying("UpdateItem", () -> {
      summaries.update(merged);
      return null;
    });
    ledger.count(counts, stored.markers(), stored.mode());
  }

  /**
   * Writes the records of one trace whose stored state the caller's snapshot read: no
   * BatchGetItem, since the snapshot already holds the stored versions, the call markers and the
   * mode item. A record the snapshot held is merged with that version and put conditioned on it,
   * as {@link #writeChunk} does (skipped when nothing changes; a version written since makes the
   * condition fail, and the put reads and merges again). A record the snapshot did not hold and
   * that carries no usage to count goes in a BatchWriteItem, blind, but only under the trace's
   * write lease ({@link WriteLease#claim}); without the lease, and for records stored with a
   * pending usage mark, one conditional PutItem each (so a crash between a model call's record
   * and its count is bounded by a write of its own, as on the other path). {@code spans} (the
   * pass's span items, or null) go in the blind batch, else alone before the conditional puts.
   * Then one summary update and one usage count for all of them: per trace and per call, not per
   * chunk of 8.
   */
  void writeKnown(List<FunctionalRecord> records, SnapshotBasis known,
      @Nullable List<WriteRequest> spans, Heard heard) {
    Predicate<FunctionalRecord> uncounted =
        r -> UsageLedger.needsCount(r, known.markers().get(r.recordId()), known.mode());
    List<FunctionalRecord> merged = new ArrayList<>(records.size());
    List<UsageLedger.Entry> counts = new ArrayList<>(records.size());
    List<FunctionalRecord> blind = new ArrayList<>();
    List<FunctionalRecord> conditional = new ArrayList<>();
    for (FunctionalRecord r : records) {
      (known.records().containsKey(r.recordId()) || uncounted.test(r) ? conditional : blind).add(r);
    }
    if (!blind.isEmpty() && !lease.claim(known)) {
      conditional.addAll(0, blind);
      blind.clear();
    }
    // The pass's spans (write with spans): in the blind batch, or alone before the records.
    if (spans != null && blind.isEmpty()) {
      spanItems.writeSpans(spans);
      spans = null;
    }
    List<FunctionalRecord> late = blindWrite(
        spans == null ? List.of() : spans, blind, known, merged, counts, heard);
    conditional.addAll(late);
    for (FunctionalRecord r : conditional) {
      FunctionalRecord earlier = known.records().get(r.recordId());
      Write write = executor.retrying("PutItem", () -> puts.put(r, earlier, uncounted));
      merged.add(write.record());
      counts.add(UsageLedger.Entry.stored(write.record(), write.contentHash()));
      heard.add(write.stored());
    }
    executor.retrying("UpdateItem", () -> {
      if (!known.records().isEmpty() || !summaries.create(merged)) {
        summaries.update(merged);
      }
      return null;
    });
    ledger.count(counts, known.markers(), known.mode());
  }

  /**
   * Puts {@code blind} (records no stored version of which the snapshot held) with BatchWriteItem,
   * 25 items a call, {@code spans} (span items, always written blind) first, while this pass holds
   * the trace's lease with time to spare; returns the records left unwritten when that time ran
   * out (the caller puts them conditionally). Span items left then are put in batches of their own.
   */
  private List<FunctionalRecord> blindWrite(List<WriteRequest> spans, List<FunctionalRecord> blind,
      SnapshotBasis known, List<FunctionalRecord> merged, List<UsageLedger.Entry> counts, Heard heard) {
    List<FunctionalRecord> left = new ArrayList<>();
    List<WriteRequest> spansLeft = new ArrayList<>();
    List<Object> all = new ArrayList<>(spans.size() + blind.size());
    all.addAll(spans);
    all.addAll(blind);
    for (int from = 0; from < all.size(); from += SpanItems.MAX_BATCH_WRITE) {
      List<Object> part = all.subList(from, Math.min(from + SpanItems.MAX_BATCH_WRITE, all.size()));
      Map<String, FunctionalRecord> byId = new LinkedHashMap<>();
      Map<String, Map<String, AttributeValue>> items = new HashMap<>();
      Map<String, String> seqOf = new HashMap<>();
      List<WriteRequest> pending = new ArrayList<>();
      for (Object o : part) {
        if (o instanceof WriteRequest span) {
          pending.add(span);
          continue;
        }
        FunctionalRecord r = (FunctionalRecord) o;
        String seq = puts.nextSeq(r.recordId());
        Map<String, AttributeValue> item = DynamoItem.toItem(r, seq);
        byId.put(r.recordId(), r);
        items.put(r.recordId(), item);
        seqOf.put(r.recordId(), seq);
        pending.add(WriteRequest.builder().putRequest(b -> b.item(item)).build());
      }
      long stamped = puts.nowNanos();
      pending = spanItems.batchWrite(pending, () -> lease.fresh(known)); // what is left goes conditionally
      Set<String> unwritten = new HashSet<>();
      for (var w : pending) {
        AttributeValue recordId = w.putRequest().item().get("recordId");
        if (recordId == null) {
          spansLeft.add(w);
        } else {
          unwritten.add(recordId.s());
        }
      }
      for (FunctionalRecord r : byId.values()) {
        if (unwritten.contains(r.recordId())) {
          left.add(r);
          continue;
        }
        stats.recordsWritten.incrementAndGet();
        merged.add(r);
        counts.add(UsageLedger.Entry.stored(r, items.get(r.recordId()).get(DynamoItem.CONTENT_HASH).s()));
        heard.add(puts.restampIfLate(r, items.get(r.recordId()), seqOf.get(r.recordId()), stamped));
      }
    }
    if (!spansLeft.isEmpty()) {
      spanItems.writeSpans(spansLeft);
    }
    return left;
  }

  /**
   * What a chunk's BatchGetItem found: stored records by id, the usage markers of calls by record
   * id, and the trace's usage mode item (null if not read; empty if read and absent).
   */
  private record Stored(
      Map<String, FunctionalRecord> records,
      Map<String, Marker> markers,
      @Nullable Map<String, AttributeValue> mode) {}

  /**
   * The stored versions of {@code chunk}'s records (one trace), by record id, with the usage
   * markers of its calls and, if it has agent-level totals, the trace's mode item; consistent
   * reads.
   */
  private Stored readStored(List<FunctionalRecord> chunk) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    boolean needsMode = false;
    for (FunctionalRecord r : chunk) {
      keys.add(RecordPuts.key(r));
      if (UsageLedger.needsMarker(r)) {
        keys.add(markerKey(r.tenant(), r.traceId(), r.recordId()));
      }
      needsMode |= UsageLedger.needsMode(r);
    }
    FunctionalRecord first = chunk.get(0);
    Map<String, AttributeValue> modeKey = Map.of(
        DynamoItem.PK, AttributeValue.fromS(DynamoItem.tracePk(first.tenant(), first.traceId())),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.USAGE_MODE_SK));
    if (needsMode) {
      keys.add(modeKey);
    }
    Map<String, FunctionalRecord> found = new HashMap<>();
    Map<String, Marker> markers = new HashMap<>();
    Map<String, AttributeValue> mode = needsMode ? new HashMap<>() : null;
    for (Map<String, AttributeValue> item : reads.batchGet(keys)) {
      String sk = item.get(DynamoItem.SK).s();
      if (sk.startsWith(DynamoItem.RECORD_PREFIX)) {
        FunctionalRecord r = DynamoItem.fromItem(item);
        found.put(r.recordId(), r);
      } else if (sk.equals(DynamoItem.USAGE_MODE_SK)) {
        mode.putAll(item);
      } else if (isCallMarker(item)) {
        markers.put(item.get("recordId").s(), Marker.fromItem(item));
      }
    }
    return new Stored(found, markers, mode);
  }

  /** Whether {@code item} is a call's usage marker. */
  static boolean isCallMarker(Map<String, AttributeValue> item) {
    AttributeValue role = item.get("role");
    return role != null && UsageAccounting.Role.CALL.name().equals(role.s());
  }

  static Map<String, AttributeValue> markerKey(String tenant, String traceId, String recordId) {
    return Map.of(
        DynamoItem.PK, AttributeValue.fromS(DynamoItem.tracePk(tenant, traceId)),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.usageMarkerSk(recordId)));
  }
}
