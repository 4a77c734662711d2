package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.UsageAccounting.Contribution;
import io.tracebridge.store.UsageAccounting.Target;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.UsageItems.Marker;
import io.tracebridge.store.dynamodb.UsageItems.ModeState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Usage counted at write time with TransactWriteItems, so that the aggregates always equal the
 * contributions of the records stored now ({@link UsageAccounting}): every model call counts
 * exactly once however often its span arrives or its write is retried, and under the agent and
 * session its record has now (README, "Usage").
 *
 * <p>One transaction per chunk of a trace's records ({@link #count}). For each model call whose
 * contribution is not counted as it is: a Put of its marker ({@code TRACE#…} / {@code
 * USAGE#{recordId}}, holding what it is counted under and its {@link Contribution#signature()}),
 * conditioned on {@code attribute_not_exists(pk)} for a first count or on the signature read for
 * a move; a check that the record item still holds the version being counted (its content
 * hash), so a stale version never overwrites a newer one's count, which is an Update removing the
 * record's {@link UsageRepair#PENDING} mark (the mark goes when the count lands); the ADDs (the new
 * contribution, minus the old one for a move) to the {@link UsageKind} aggregates and the
 * trace's summary, merged across the chunk so each aggregate is one item; and, when the trace's
 * counting mode changes, a version-conditioned write of the trace's mode item, which also holds
 * the agent-level contributions while they count. Removing a record ({@link #count} with {@link
 * Entry#remove()}) deletes its item, its marker and its count in one transaction.
 *
 * <p>A cancelled transaction is read for its reasons: a marker that changed under it is read
 * again (if it now says what this write wanted, the record is counted: dropped; else the move is
 * rebuilt from it); a record item that changed means a newer version exists, whose writer counts
 * it (dropped here); a changed mode item is read again. The caller passes the markers and the
 * mode item it already read ({@link RecordWriter} reads them in the same BatchGetItem as the
 * records), so a plain re-export costs no transaction at all. The items it writes are built by {@link UsageItems}. Thread-safe; runs on the store's pool.
 */
final class UsageLedger {
  private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
  /** Cancellation reasons that clear up by themselves. */
  private static final Set<String> RETRYABLE_CANCELLATIONS =
      Set.of("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded");
  /** Rebuilds after losing a race on a marker, a record or the mode item, on top of the store's retries. */
  private static final int MAX_REBUILDS = 20;
  /** DynamoDB's limit of actions in one TransactWriteItems. */
  static final int MAX_TRANSACTION_ITEMS = 100;

  /**
   * What a chunk asks of the ledger: bring the count of {@code record} (as stored now, its item's
   * content hash {@code contentHash}) up to date, or, with {@code remove}, delete the record and
   * take its count back.
   */
  record Entry(FunctionalRecord record, @Nullable String contentHash, boolean remove) {
    static Entry stored(FunctionalRecord record, String contentHash) {
      return new Entry(record, contentHash, false);
    }
  }

  private final DynamoDbClient client;
  private final String table;
  private final int maxRetries;
  private final StoreExecutor executor;
  private final UsageItems usageItems;
  private final DynamoDbStoreStats stats;

  UsageLedger(DynamoDbClient client, DynamoDbStoreConfig config, StoreExecutor executor,
      DynamoDbStoreStats stats) {
    this.client = client;
    this.table = config.tableName();
    this.maxRetries = config.maxRetries();
    this.executor = executor;
    this.usageItems = new UsageItems(table);
    this.stats = stats;
  }

  /** Records whose usage was found counted as it is (a re-export or a retried write). */
  long alreadyCounted() {
    return stats.usageAlreadyCounted();
  }

  /** TransactWriteItems calls that counted, moved or took back usage. */
  long transactions() {
    return stats.usageTransactions();
  }

  /** Counts moved from one contribution to another (re-attributed records). */
  long moved() {
    return stats.usageMoves();
  }

  /** Whether a call marker is to be read for {@code r} before counting it. */
  static boolean needsMarker(FunctionalRecord r) {
    return UsageAccounting.role(r) == UsageAccounting.Role.CALL;
  }

  /** Whether the trace's mode item is to be read for {@code r} before counting it. */
  static boolean needsMode(FunctionalRecord r) {
    return UsageAccounting.role(r) == UsageAccounting.Role.AGENT_LEVEL;
  }

  /**
   * Brings the counts of {@code entries} (all of one trace) up to date; blocks; retries.
   *
   * @param markers the call markers read before, by record id (absent: no marker)
   * @param modeItem the trace's mode item as read before, or null if it was not read
   */
  void count(List<Entry> entries, Map<String, Marker> markers,
      @Nullable Map<String, AttributeValue> modeItem) {
    ModeState modeRead = modeItem == null ? null : new ModeState(modeItem);
    List<Entry> pending = new ArrayList<>();
    for (Entry e : entries) {
      if (e.remove() || needsCount(e.record(), markers.get(e.record().recordId()), modeRead)) {
        pending.add(e);
      } else if (UsageAccounting.role(e.record()) != UsageAccounting.Role.NONE) {
        stats.usageAlreadyCounted.incrementAndGet();
      }
    }
    Map<String, Marker> known = new HashMap<>(markers);
    // The mode item as the caller read it serves the first attempt: every decision taken on a
    // mode other than CALLS writes the mode item conditioned on the version read (CALLS never
    // changes back), so a stale read costs a rebuild, never a wrong count.
    Map<String, AttributeValue> firstMode = modeItem;
    int rebuilds = 0;
    for (int attempt = 0; !pending.isEmpty(); ) {
      try {
        Map<String, AttributeValue> modeNow = firstMode;
        firstMode = null;
        Attempt result = tryCount(pending, known, modeNow);
        if (result == Attempt.DONE) {
          return;
        }
        if (++rebuilds > MAX_REBUILDS) {
          throw new StoreException("usage of " + pending.size() + " records of trace "
              + pending.get(0).record().traceId() + " not counted: it kept changing under"
              + " concurrent writers", true);
        }
        stats.usageRebuilds.incrementAndGet();
        continue; // a lost race is not a failure: rebuilt from what was read again
      } catch (TransactionCanceledException e) {
        StoreException failure = StoreExecutor.classify("TransactWriteItems", e);
        // A conflict with another transaction, or throttling (on-demand tables throttle while
        // they scale), clears up: retry with backoff.
        boolean clearsUp = e.cancellationReasons().stream()
            .anyMatch(reason -> RETRYABLE_CANCELLATIONS.contains(reason.code()));
        if ((!clearsUp && !failure.retryable()) || attempt >= maxRetries) {
          throw clearsUp ? new StoreException(failure.getMessage(), true, e) : failure;
        }
      } catch (SdkException e) {
        // A transport failure: the client's retry strategy already ran out, if it has one.
        StoreException failure = StoreExecutor.classify("TransactWriteItems", e);
        if (!failure.retryable() || executor.clientRetries() || attempt >= maxRetries) {
          throw failure;
        }
      }
      executor.backOff(attempt++);
    }
  }

  /**
   * Whether {@code r}'s usage is still to be counted, judged from its call marker and the trace's
   * mode item as read before ({@code modeItem} null: not read): false for a record that counts
   * nothing or is counted as it is. A writer marks the records it is about to store with {@link
   * UsageRepair#PENDING} exactly when this holds, so a crash before their count leaves them
   * findable.
   */
  static boolean needsCount(FunctionalRecord r, @Nullable Marker marker,
      @Nullable Map<String, AttributeValue> modeItem) {
    return needsCount(r, marker, modeItem == null ? null : new ModeState(modeItem));
  }

  private static boolean needsCount(FunctionalRecord r, @Nullable Marker marker, @Nullable ModeState mode) {
    Contribution now = UsageAccounting.contribution(r);
    return switch (UsageAccounting.role(r)) {
      case CALL -> marker == null || (!marker.legacy() && !now.sameAs(marker.counted()));
      case AGENT_LEVEL -> mode == null || (!mode.calls() && !now.sameAs(mode.agentLevel(r.recordId())));
      case NONE -> false;
    };
  }

  /** What one transaction did: counted (or nothing left to count), or lost a race. */
  private enum Attempt {
    DONE,
    REBUILD
  }

  /** What each transaction item is, so a cancellation reason's index names its cause. */
  private record Part(Kind kind, @Nullable Entry entry) {}

  private enum Kind {
    MARKER,
    RECORD,
    MODE,
    ADD
  }

  /**
   * One attempt for all of {@code pending} (one trace). Returns {@link Attempt#REBUILD} after
   * dropping or re-reading what a cancellation named; throws a cancellation for other reasons.
   */
  private Attempt tryCount(List<Entry> pending, Map<String, Marker> markers,
      @Nullable Map<String, AttributeValue> modeItem) {
    FunctionalRecord first = pending.get(0).record();
    String tenant = first.tenant();
    String traceId = TraceIds.toW3c(first.traceId());
    AttributeValue pkValue = AttributeValue.fromS(DynamoItem.tracePk(tenant, traceId));
    Map<String, AttributeValue> modeKey =
        Map.of(DynamoItem.PK, pkValue, DynamoItem.SK, AttributeValue.fromS(DynamoItem.USAGE_MODE_SK));
    ModeState mode;
    if (modeItem != null) {
      mode = new ModeState(modeItem);
    } else {
      GetItemResponse modeRead = client.getItem(b -> b.tableName(table).consistentRead(true).key(modeKey));
      mode = new ModeState(modeRead.hasItem() ? modeRead.item() : Map.of());
    }

    // Apply the entries in order, as if each were counted alone.
    List<TransactWriteItem> items = new ArrayList<>();
    List<Part> parts = new ArrayList<>();
    Map<List<String>, long[]> deltas = new LinkedHashMap<>();
    Map<List<String>, Target> targets = new HashMap<>();
    for (Entry e : pending) {
      FunctionalRecord r = e.record();
      String id = r.recordId();
      Marker marker = markers.get(id);
      if (e.remove()) {
        if (marker != null && marker.counted() != null) {
          items.add(usageItems.deleteMarker(pkValue, id, marker.counted()));
          parts.add(new Part(Kind.MARKER, e));
          UsageItems.add(deltas, targets, tenant, traceId, marker.counted(), UsageAccounting.negated(marker.counted().usage()));
        }
        Contribution agentLevel = mode.calls() ? null : mode.agentLevel(id);
        if (agentLevel != null) {
          UsageItems.add(deltas, targets, tenant, traceId, agentLevel, UsageAccounting.negated(agentLevel.usage()));
          mode.agentLevel.remove(id);
          mode.changed = true;
        }
        items.add(usageItems.deleteRecord(pkValue, id));
        parts.add(new Part(Kind.RECORD, e));
        continue;
      }
      Contribution now = UsageAccounting.contribution(r);
      switch (UsageAccounting.role(r)) {
        case CALL -> {
          Contribution before = marker == null ? null : marker.counted();
          if (marker != null && (marker.legacy() || now.sameAs(before))) {
            stats.usageAlreadyCounted.incrementAndGet();
            continue;
          }
          items.add(usageItems.putMarker(pkValue, now, before));
          parts.add(new Part(Kind.MARKER, e));
          items.add(usageItems.recordCheck(pkValue, id, e.contentHash()));
          parts.add(new Part(Kind.RECORD, e));
          UsageItems.add(deltas, targets, tenant, traceId, now, UsageAccounting.counts(now.usage()));
          if (before != null) {
            UsageItems.add(deltas, targets, tenant, traceId, before, UsageAccounting.negated(before.usage()));
          }
          if (!mode.calls()) {
            // The first call of a trace counted on agent-level totals takes them back.
            for (String agentLevelId : mode.agentLevel.keySet()) {
              Contribution back = mode.agentLevel(agentLevelId);
              UsageItems.add(deltas, targets, tenant, traceId, back, UsageAccounting.negated(back.usage()));
            }
            mode.agentLevel.clear();
            mode.mode = UsageAccounting.Mode.CALLS.name();
            mode.changed = true;
          }
        }
        case AGENT_LEVEL -> {
          Contribution before = mode.agentLevel(id);
          if (mode.calls() || now.sameAs(before)) {
            stats.usageAlreadyCounted.incrementAndGet();
            continue; // a trace that counts its calls ignores agent-level totals
          }
          items.add(usageItems.recordCheck(pkValue, id, e.contentHash()));
          parts.add(new Part(Kind.RECORD, e));
          UsageItems.add(deltas, targets, tenant, traceId, now, UsageAccounting.counts(now.usage()));
          if (before != null) {
            UsageItems.add(deltas, targets, tenant, traceId, before, UsageAccounting.negated(before.usage()));
          }
          mode.agentLevel.put(id, AttributeValue.fromM(UsageItems.toMap(now)));
          mode.mode = UsageAccounting.Mode.AGENT_LEVEL.name();
          mode.changed = true;
        }
        case NONE -> { }
      }
    }
    if (items.isEmpty()) {
      return Attempt.DONE;
    }
    if (mode.changed) {
      items.add(usageItems.writeMode(modeKey, mode));
      parts.add(new Part(Kind.MODE, null));
    }
    deltas.forEach((key, delta) -> {
      items.add(usageItems.addItem(key, targets.get(key), delta));
      parts.add(new Part(Kind.ADD, null));
    });
    if (items.size() > MAX_TRANSACTION_ITEMS) {
      // Only with very many distinct models or agents in one chunk: count them in two halves.
      int half = pending.size() / 2;
      if (half == 0) {
        throw new StoreException("usage of record " + first.recordId() + " needs "
            + items.size() + " transaction items, over DynamoDB's " + MAX_TRANSACTION_ITEMS, false);
      }
      count(new ArrayList<>(pending.subList(0, half)), markers, null);
      count(new ArrayList<>(pending.subList(half, pending.size())), markers, null);
      return Attempt.DONE;
    }
    try {
      client.transactWriteItems(b -> b.transactItems(items));
      stats.usageTransactions.incrementAndGet();
      for (Part p : parts) {
        if (p.kind() == Kind.MARKER && p.entry() != null && !p.entry().remove()
            && markers.get(p.entry().record().recordId()) != null) {
          stats.usageMoves.incrementAndGet();
        }
      }
      return Attempt.DONE;
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      boolean lostRace = false;
      for (int i = 0; i < parts.size() && i < reasons.size(); i++) {
        if (!CONDITIONAL_CHECK_FAILED.equals(reasons.get(i).code())) {
          continue;
        }
        Part p = parts.get(i);
        lostRace = true;
        if (p.kind() == Kind.MARKER) {
          // Another writer counted or moved it: go on from what its marker says now.
          String id = p.entry().record().recordId();
          Map<String, AttributeValue> now = client.getItem(b -> b.tableName(table).consistentRead(true)
              .key(UsageItems.markerKey(pkValue, id))).item();
          if (now == null || now.isEmpty()) {
            markers.remove(id);
          } else {
            markers.put(id, Marker.fromItem(now));
          }
        } else if (p.kind() == Kind.RECORD) {
          // The record holds a newer version than this one: its writer counts that one.
          pending.remove(p.entry());
        }
        // MODE: read again at the start of the next attempt.
      }
      if (lostRace) {
        return Attempt.REBUILD;
      }
      throw e;
    }
  }
}
