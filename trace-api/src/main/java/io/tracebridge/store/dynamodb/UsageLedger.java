package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.UsageAccounting.Contribution;
import io.tracebridge.store.UsageAccounting.Target;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.annotation.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Usage counted at write time with TransactWriteItems, so that every model call counts exactly
 * once however often its span arrives or its write is retried (README, "Usage").
 *
 * <p>One transaction per chunk of a trace's records ({@link #count}): for each record to count, a
 * Put of its marker ({@code TRACE#…} / {@code USAGE#{recordId}}) conditioned on {@code
 * attribute_not_exists(pk)}; the ADDs to the {@link UsageKind} aggregates of each day and model
 * and to the trace's summary, merged across the chunk so each aggregate is one item; and, when the
 * trace's counting mode changes ({@link UsageAccounting}), a version-conditioned write of the
 * trace's mode item (the ADDs that take agent-level totals back are among the merged ones). The
 * records are applied in order to the mode read at the start, exactly as if each were counted
 * alone, so batching changes the number of calls and nothing else.
 *
 * <p>A marker that already exists cancels the transaction: its record was counted before (a
 * re-export, or a retried write), so it is dropped and the rest counted again. The caller passes
 * the markers it already read ({@link DynamoDbTraceStore} reads them in the same BatchGetItem as
 * the records), so a plain re-export usually costs no transaction at all. A mode item changed by a
 * concurrent writer fails its version condition: the mode is read again and the transaction
 * rebuilt. Thread-safe; runs on the store's pool.
 */
final class UsageLedger {
  private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
  private static final String[] COUNT_NAMES = {
    "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "reasoningTokens"
  };
  /** Cancellation reasons that clear up by themselves. */
  private static final Set<String> RETRYABLE_CANCELLATIONS =
      Set.of("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded");
  /** Rebuilds after losing a race on the mode item, on top of the store's retries. */
  private static final int MAX_REBUILDS = 20;
  /** DynamoDB's limit of actions in one TransactWriteItems. */
  static final int MAX_TRANSACTION_ITEMS = 100;

  private final DynamoDbTraceStore store;
  private final DynamoDbClient client;
  private final String table;
  private final AtomicLong alreadyCounted = new AtomicLong();
  private final AtomicLong transactions = new AtomicLong();

  UsageLedger(DynamoDbTraceStore store, DynamoDbClient client, String table) {
    this.store = store;
    this.client = client;
    this.table = table;
  }

  /** Records whose usage was found already counted (a re-export or a retried write). */
  long alreadyCounted() {
    return alreadyCounted.get();
  }

  /** TransactWriteItems calls that counted usage. */
  long transactions() {
    return transactions.get();
  }

  /**
   * Counts the usage of those of {@code records} (all of one trace) that have to be counted and
   * have not been; blocks; retries.
   *
   * @param counted ids of records whose marker was read before: counted already, skipped here
   */
  void count(List<FunctionalRecord> records, Set<String> counted) {
    List<FunctionalRecord> pending = new ArrayList<>();
    for (FunctionalRecord r : records) {
      if (UsageAccounting.role(r) == UsageAccounting.Role.NONE) {
        continue;
      }
      if (counted.contains(r.recordId())) {
        alreadyCounted.incrementAndGet();
      } else {
        pending.add(r);
      }
    }
    int rebuilds = 0;
    for (int attempt = 0; !pending.isEmpty(); ) {
      try {
        Attempt result = tryCount(pending);
        if (result.done()) {
          return;
        }
        if (!result.counted().isEmpty()) {
          // Counted before: leave them out and count the others. Not a failure.
          alreadyCounted.addAndGet(result.counted().size());
          pending.removeIf(r -> result.counted().contains(r.recordId()));
          continue;
        }
        if (++rebuilds > MAX_REBUILDS) {
          throw new StoreException("usage of " + pending.size() + " records of trace "
              + pending.get(0).traceId() + " not counted: its mode item kept changing", true);
        }
        continue; // a lost race on the mode item is not a failure either
      } catch (TransactionCanceledException e) {
        StoreException failure = DynamoDbTraceStore.classify("TransactWriteItems", e);
        // A conflict with another transaction, or throttling (on-demand tables throttle while
        // they scale), clears up: retry with backoff.
        boolean clearsUp = e.cancellationReasons().stream()
            .anyMatch(reason -> RETRYABLE_CANCELLATIONS.contains(reason.code()));
        if ((!clearsUp && !failure.retryable()) || attempt >= store.config().maxRetries()) {
          throw clearsUp ? new StoreException(failure.getMessage(), true, e) : failure;
        }
      } catch (SdkException e) {
        StoreException failure = DynamoDbTraceStore.classify("TransactWriteItems", e);
        if (!failure.retryable() || attempt >= store.config().maxRetries()) {
          throw failure;
        }
      }
      DynamoDbTraceStore.sleep(store.backoff(attempt++));
    }
  }

  /**
   * What one transaction did: {@code done} (counted, or nothing to count); else the ids of
   * records whose marker already existed, or none when the mode item changed under it.
   */
  private record Attempt(boolean done, Set<String> counted) {
    static final Attempt DONE = new Attempt(true, Set.of());
    static final Attempt MODE_CHANGED = new Attempt(false, Set.of());
  }

  /** The trace's counting mode as read, then as the records of one attempt leave it. */
  private static final class ModeState {
    @Nullable String mode;
    final long version;
    final Map<String, AttributeValue> agentLevel;
    final boolean existed;
    boolean changed;

    ModeState(Map<String, AttributeValue> item) {
      existed = !item.isEmpty();
      mode = item.containsKey("mode") ? item.get("mode").s() : null;
      version = item.containsKey("version") ? Long.parseLong(item.get("version").n()) : 0;
      agentLevel = new HashMap<>(item.containsKey("agentLevel") ? item.get("agentLevel").m() : Map.of());
    }
  }

  /**
   * One attempt for all of {@code pending} (one trace). Throws a cancellation for reasons other
   * than an existing marker or a changed mode item.
   */
  private Attempt tryCount(List<FunctionalRecord> pending) {
    FunctionalRecord first = pending.get(0);
    String tenant = first.tenant();
    String traceId = TraceIds.toW3c(first.traceId());
    AttributeValue pkValue = AttributeValue.fromS(DynamoItem.tracePk(tenant, traceId));
    Map<String, AttributeValue> modeKey =
        Map.of(DynamoItem.PK, pkValue, DynamoItem.SK, AttributeValue.fromS(DynamoItem.USAGE_MODE_SK));
    GetItemResponse modeRead = client.getItem(b -> b.tableName(table).consistentRead(true).key(modeKey));
    ModeState mode = new ModeState(modeRead.hasItem() ? modeRead.item() : Map.of());

    // Apply the records in order, as if each were counted alone.
    List<FunctionalRecord> marked = new ArrayList<>();
    Map<List<String>, long[]> deltas = new LinkedHashMap<>();
    Map<List<String>, Target> targets = new HashMap<>();
    for (FunctionalRecord r : pending) {
      UsageAccounting.Role role = UsageAccounting.role(r);
      boolean calls = UsageAccounting.Mode.CALLS.name().equals(mode.mode);
      if (role == UsageAccounting.Role.AGENT_LEVEL && calls) {
        continue; // the trace counts its calls: agent-level totals never add to them
      }
      Contribution c = UsageAccounting.contribution(r);
      marked.add(r);
      add(deltas, targets, tenant, traceId, c, UsageAccounting.counts(c.usage()));
      if (role == UsageAccounting.Role.CALL) {
        if (!calls) {
          // The first call of a trace counted on agent-level totals takes them back.
          for (Map.Entry<String, AttributeValue> e : mode.agentLevel.entrySet()) {
            Contribution back = fromMap(e.getKey(), e.getValue().m());
            add(deltas, targets, tenant, traceId, back, UsageAccounting.negated(back.usage()));
          }
          mode.agentLevel.clear();
          mode.mode = UsageAccounting.Mode.CALLS.name();
          mode.changed = true;
        }
      } else {
        mode.agentLevel.put(r.recordId(), AttributeValue.fromM(toMap(c)));
        mode.mode = UsageAccounting.Mode.AGENT_LEVEL.name();
        mode.changed = true;
      }
    }
    if (marked.isEmpty()) {
      return Attempt.DONE;
    }

    // Markers first, so a cancellation reason's index names the record; then the mode; then ADDs.
    List<TransactWriteItem> items = new ArrayList<>();
    for (FunctionalRecord r : marked) {
      items.add(TransactWriteItem.builder().put(p -> p.tableName(table)
          .item(Map.of(
              DynamoItem.PK, pkValue,
              DynamoItem.SK, AttributeValue.fromS(DynamoItem.usageMarkerSk(r.recordId())),
              "recordId", AttributeValue.fromS(r.recordId()),
              "role", AttributeValue.fromS(UsageAccounting.role(r).name())))
          .conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(Map.of("#pk", DynamoItem.PK))).build());
    }
    int modeIndex = -1;
    if (mode.changed) {
      modeIndex = items.size();
      items.add(mode.existed ? updateMode(modeKey, mode) : putMode(modeKey, mode));
    }
    deltas.forEach((key, delta) -> items.add(addItem(key, targets.get(key), delta)));
    if (items.size() > MAX_TRANSACTION_ITEMS) {
      // Only with very many distinct models in one chunk: count them in two halves.
      int half = pending.size() / 2;
      if (half == 0) {
        throw new StoreException("usage of record " + first.recordId() + " needs "
            + items.size() + " transaction items, over DynamoDB's " + MAX_TRANSACTION_ITEMS, false);
      }
      count(new ArrayList<>(pending.subList(0, half)), Set.of());
      count(new ArrayList<>(pending.subList(half, pending.size())), Set.of());
      return Attempt.DONE;
    }
    try {
      client.transactWriteItems(b -> b.transactItems(items));
      transactions.incrementAndGet();
      return Attempt.DONE;
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      Set<String> counted = new HashSet<>();
      for (int i = 0; i < marked.size() && i < reasons.size(); i++) {
        if (CONDITIONAL_CHECK_FAILED.equals(reasons.get(i).code())) {
          counted.add(marked.get(i).recordId());
        }
      }
      if (!counted.isEmpty()) {
        return new Attempt(false, counted);
      }
      if (modeIndex >= 0 && reasons.size() > modeIndex
          && CONDITIONAL_CHECK_FAILED.equals(reasons.get(modeIndex).code())) {
        return Attempt.MODE_CHANGED;
      }
      throw e;
    }
  }

  private TransactWriteItem updateMode(Map<String, AttributeValue> key, ModeState mode) {
    Map<String, String> names = new HashMap<>(Map.of("#mode", "mode", "#v", "version", "#al", "agentLevel"));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(
        ":mode", AttributeValue.fromS(mode.mode),
        ":next", AttributeValue.fromN(Long.toString(mode.version + 1)),
        ":v", AttributeValue.fromN(Long.toString(mode.version))));
    String expression;
    if (mode.agentLevel.isEmpty()) {
      expression = "SET #mode = :mode, #v = :next REMOVE #al";
    } else {
      expression = "SET #mode = :mode, #v = :next, #al = :al";
      values.put(":al", AttributeValue.fromM(mode.agentLevel));
    }
    return TransactWriteItem.builder().update(u -> u.tableName(table).key(key)
        .updateExpression(expression)
        .conditionExpression("#v = :v")
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)).build();
  }

  private TransactWriteItem putMode(Map<String, AttributeValue> key, ModeState mode) {
    Map<String, AttributeValue> item = new HashMap<>(key);
    item.put("mode", AttributeValue.fromS(mode.mode));
    item.put("version", AttributeValue.fromN("1"));
    if (!mode.agentLevel.isEmpty()) {
      item.put("agentLevel", AttributeValue.fromM(mode.agentLevel));
    }
    return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
        .conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", DynamoItem.PK))).build();
  }

  /** Adds {@code delta} to the contribution's aggregates and its trace's summary, merged by key. */
  private static void add(Map<List<String>, long[]> deltas, Map<List<String>, Target> targets,
      String tenant, String traceId, Contribution c, long[] delta) {
    for (Target t : c.targets(tenant, traceId)) {
      List<String> key = List.of(DynamoItem.usagePk(tenant, t.kind(), t.day()),
          DynamoItem.usageSk(t.value(), t.model()));
      targets.put(key, t);
      UsageAccounting.add(deltas.computeIfAbsent(key, k -> new long[5]), delta);
    }
    List<String> summary = List.of(DynamoItem.tracePk(tenant, traceId), DynamoItem.SUMMARY_SK);
    UsageAccounting.add(deltas.computeIfAbsent(summary, k -> new long[5]), delta);
  }

  private TransactWriteItem addItem(List<String> key, Target target, long[] delta) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> adds = new ArrayList<>();
    for (int i = 0; i < COUNT_NAMES.length; i++) {
      names.put("#c" + i, COUNT_NAMES[i]);
      values.put(":c" + i, AttributeValue.fromN(Long.toString(delta[i])));
      adds.add("#c" + i + " :c" + i);
    }
    String expression = "ADD " + String.join(", ", adds);
    if (target != null) {
      names.putAll(Map.of("#kind", "kind", "#day", "day", "#value", "value", "#model", "model"));
      values.putAll(Map.of(
          ":kind", AttributeValue.fromS(target.kind().key()),
          ":day", AttributeValue.fromS(target.day().toString()),
          ":value", AttributeValue.fromS(target.value()),
          ":model", AttributeValue.fromS(target.model())));
      expression += " SET #kind = :kind, #day = :day, #value = :value, #model = :model";
    }
    String finalExpression = expression;
    return TransactWriteItem.builder().update(u -> u.tableName(table)
        .key(Map.of(DynamoItem.PK, AttributeValue.fromS(key.get(0)),
            DynamoItem.SK, AttributeValue.fromS(key.get(1))))
        .updateExpression(finalExpression)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)).build();
  }

  private static Map<String, AttributeValue> toMap(Contribution c) {
    Map<String, AttributeValue> m = new HashMap<>();
    m.put("day", AttributeValue.fromS(c.day().toString()));
    m.put("agent", AttributeValue.fromS(c.agent()));
    m.put("session", AttributeValue.fromS(c.session()));
    m.put("model", AttributeValue.fromS(c.model()));
    long[] counts = UsageAccounting.counts(c.usage());
    for (int i = 0; i < COUNT_NAMES.length; i++) {
      m.put(COUNT_NAMES[i], AttributeValue.fromN(Long.toString(counts[i])));
    }
    return m;
  }

  private static Contribution fromMap(String recordId, Map<String, AttributeValue> m) {
    long[] c = new long[COUNT_NAMES.length];
    for (int i = 0; i < COUNT_NAMES.length; i++) {
      c[i] = Long.parseLong(m.get(COUNT_NAMES[i]).n());
    }
    return new Contribution(recordId, LocalDate.parse(m.get("day").s()), m.get("agent").s(),
        m.get("session").s(), m.get("model").s(), UsageAccounting.usage(c));
  }

  /** The aggregates of one kind for the days from..to (one Query per day). */
  List<UsageCell> read(String tenant, UsageKind kind, LocalDate from, LocalDate to) {
    List<UsageCell> cells = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      LocalDate d = day;
      store.queryAll(
          software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder()
              .tableName(table)
              .keyConditionExpression("#pk = :pk")
              .expressionAttributeNames(Map.of("#pk", DynamoItem.PK))
              .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(DynamoItem.usagePk(tenant, kind, d))))
              .build(),
          item -> {
            long[] c = new long[COUNT_NAMES.length];
            for (int i = 0; i < COUNT_NAMES.length; i++) {
              AttributeValue v = item.get(COUNT_NAMES[i]);
              c[i] = v == null ? 0 : Long.parseLong(v.n());
            }
            Usage u = UsageAccounting.usage(c);
            if (!u.isZero()) {
              cells.add(new UsageCell(d, item.get("value").s(), item.get("model").s(), u));
            }
          });
    }
    return cells;
  }
}
