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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>One transaction per counted record: a Put of the record's marker ({@code TRACE#…} / {@code
 * USAGE#{recordId}}) conditioned on {@code attribute_not_exists(pk)}, the ADDs to the four {@link
 * UsageKind} aggregates of its day and model and to the trace's summary, and, when the trace's
 * counting mode changes ({@link UsageAccounting}), a version-conditioned write of the trace's mode
 * item plus the ADDs that take agent-level totals back. A repeat fails the marker's condition and
 * cancels the whole transaction: nothing is added twice. A mode item changed by a concurrent
 * writer fails its version condition: the mode is read again and the transaction rebuilt.
 * Thread-safe; runs on the store's pool.
 */
final class UsageLedger {
  private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
  private static final String[] COUNT_NAMES = {
    "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "reasoningTokens"
  };
  /** Rebuilds after losing a race on the mode item, on top of the store's retries. */
  private static final int MAX_REBUILDS = 20;

  private final DynamoDbTraceStore store;
  private final DynamoDbClient client;
  private final String table;
  private final AtomicLong alreadyCounted = new AtomicLong();

  UsageLedger(DynamoDbTraceStore store, DynamoDbClient client, String table) {
    this.store = store;
    this.client = client;
    this.table = table;
  }

  /** Records whose usage was found already counted (a re-export or a retried write). */
  long alreadyCounted() {
    return alreadyCounted.get();
  }

  /** Counts {@code r}'s usage if it has to and has not been counted; blocks; retries. */
  void count(FunctionalRecord r) {
    UsageAccounting.Role role = UsageAccounting.role(r);
    if (role == UsageAccounting.Role.NONE) {
      return;
    }
    int rebuilds = 0;
    for (int attempt = 0; ; attempt++) {
      try {
        if (tryCount(r, role)) {
          return;
        }
        if (++rebuilds > MAX_REBUILDS) {
          throw new StoreException("usage of record " + r.recordId()
              + " not counted: its trace's mode item kept changing", true);
        }
        attempt--; // a lost race is not a failure
      } catch (TransactionCanceledException e) {
        StoreException failure = DynamoDbTraceStore.classify("TransactWriteItems", e);
        boolean conflict = e.cancellationReasons().stream()
            .anyMatch(reason -> "TransactionConflict".equals(reason.code()));
        if ((!conflict && !failure.retryable()) || attempt >= store.config().maxRetries()) {
          throw conflict ? new StoreException(failure.getMessage(), true, e) : failure;
        }
      } catch (SdkException e) {
        StoreException failure = DynamoDbTraceStore.classify("TransactWriteItems", e);
        if (!failure.retryable() || attempt >= store.config().maxRetries()) {
          throw failure;
        }
      }
      DynamoDbTraceStore.sleep(store.backoff(attempt));
    }
  }

  /**
   * One attempt: true when counted or found already counted (or not to count), false when the
   * mode item changed under it. Throws a cancellation for other reasons.
   */
  private boolean tryCount(FunctionalRecord r, UsageAccounting.Role role) {
    String tenant = r.tenant();
    String traceId = TraceIds.toW3c(r.traceId());
    String pk = DynamoItem.tracePk(tenant, traceId);
    AttributeValue pkValue = AttributeValue.fromS(pk);
    GetItemResponse modeRead = client.getItem(b -> b.tableName(table).consistentRead(true)
        .key(Map.of(DynamoItem.PK, pkValue, DynamoItem.SK, AttributeValue.fromS(DynamoItem.USAGE_MODE_SK))));
    Map<String, AttributeValue> mode = modeRead.hasItem() ? modeRead.item() : Map.of();
    String modeName = mode.containsKey("mode") ? mode.get("mode").s() : null;
    long version = mode.containsKey("version") ? Long.parseLong(mode.get("version").n()) : 0;
    Map<String, AttributeValue> agentLevel =
        mode.containsKey("agentLevel") ? mode.get("agentLevel").m() : Map.of();
    if (role == UsageAccounting.Role.AGENT_LEVEL && UsageAccounting.Mode.CALLS.name().equals(modeName)) {
      return true; // the trace counts its calls: agent-level totals never add to them
    }

    Contribution c = UsageAccounting.contribution(r);
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(TransactWriteItem.builder().put(p -> p.tableName(table)
        .item(Map.of(
            DynamoItem.PK, pkValue,
            DynamoItem.SK, AttributeValue.fromS(DynamoItem.usageMarkerSk(r.recordId())),
            "recordId", AttributeValue.fromS(r.recordId()),
            "role", AttributeValue.fromS(role.name())))
        .conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", DynamoItem.PK))).build());

    Map<List<String>, long[]> deltas = new LinkedHashMap<>();
    Map<List<String>, Target> targets = new HashMap<>();
    add(deltas, targets, tenant, traceId, c, UsageAccounting.counts(c.usage()));

    Map<String, AttributeValue> modeKey =
        Map.of(DynamoItem.PK, pkValue, DynamoItem.SK, AttributeValue.fromS(DynamoItem.USAGE_MODE_SK));
    if (role == UsageAccounting.Role.CALL) {
      if (modeName == null) {
        items.add(putMode(modeKey, UsageAccounting.Mode.CALLS, Map.of()));
      } else if (UsageAccounting.Mode.AGENT_LEVEL.name().equals(modeName)) {
        for (Map.Entry<String, AttributeValue> e : agentLevel.entrySet()) {
          Contribution back = fromMap(e.getKey(), e.getValue().m());
          add(deltas, targets, tenant, traceId, back, UsageAccounting.negated(back.usage()));
        }
        items.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(modeKey)
            .updateExpression("SET #mode = :mode, #v = :next REMOVE #al")
            .conditionExpression("#v = :v")
            .expressionAttributeNames(Map.of("#mode", "mode", "#v", "version", "#al", "agentLevel"))
            .expressionAttributeValues(Map.of(
                ":mode", AttributeValue.fromS(UsageAccounting.Mode.CALLS.name()),
                ":next", AttributeValue.fromN(Long.toString(version + 1)),
                ":v", AttributeValue.fromN(Long.toString(version))))).build());
      }
    } else {
      Map<String, AttributeValue> nextAgentLevel = new HashMap<>(agentLevel);
      nextAgentLevel.put(r.recordId(), AttributeValue.fromM(toMap(c)));
      if (modeName == null) {
        items.add(putMode(modeKey, UsageAccounting.Mode.AGENT_LEVEL, nextAgentLevel));
      } else {
        items.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(modeKey)
            .updateExpression("SET #al = :al, #v = :next")
            .conditionExpression("#v = :v")
            .expressionAttributeNames(Map.of("#v", "version", "#al", "agentLevel"))
            .expressionAttributeValues(Map.of(
                ":al", AttributeValue.fromM(nextAgentLevel),
                ":next", AttributeValue.fromN(Long.toString(version + 1)),
                ":v", AttributeValue.fromN(Long.toString(version))))).build());
      }
    }
    deltas.forEach((key, delta) -> items.add(addItem(key, targets.get(key), delta)));
    try {
      client.transactWriteItems(b -> b.transactItems(items));
      return true;
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      if (!reasons.isEmpty() && CONDITIONAL_CHECK_FAILED.equals(reasons.get(0).code())) {
        alreadyCounted.incrementAndGet();
        return true; // the marker exists: counted before, by this record's earlier arrival
      }
      if (reasons.size() > 1 && CONDITIONAL_CHECK_FAILED.equals(reasons.get(1).code())) {
        return false; // the mode item changed: read it again
      }
      throw e;
    }
  }

  private TransactWriteItem putMode(
      Map<String, AttributeValue> key, UsageAccounting.Mode mode, Map<String, AttributeValue> agentLevel) {
    Map<String, AttributeValue> item = new HashMap<>(key);
    item.put("mode", AttributeValue.fromS(mode.name()));
    item.put("version", AttributeValue.fromN("1"));
    if (!agentLevel.isEmpty()) {
      item.put("agentLevel", AttributeValue.fromM(agentLevel));
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
