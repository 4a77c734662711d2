package io.tracebridge.store.dynamodb;

import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.UsageAccounting.Contribution;
import io.tracebridge.store.UsageAccounting.Target;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The usage items and the transaction items that change them, as {@link UsageLedger} writes
 * them: call markers ({@code USAGE#{recordId}}, {@link Marker}), the trace's mode item ({@code
 * USAGEMODE}, {@link ModeState}), the record check that removes a record's pending mark, and the
 * ADDs to the aggregates and the trace summary (README, "Usage"). No calls: item building only.
 */
final class UsageItems {
  static final String[] COUNT_NAMES = {
    "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "reasoningTokens"
  };
  /** Marker attribute: {@link Contribution#signature()} of what the call is counted under. */
  static final String SIGNATURE = "signature";

  private final String table;

  UsageItems(String table) {
    this.table = table;
  }

  /**
   * A call's marker as read: what the call is counted under; {@code legacy} for a marker of the
   * older layout, which does not say (its call keeps the count it got).
   */
  record Marker(@Nullable Contribution counted, boolean legacy) {
    static Marker fromItem(Map<String, AttributeValue> item) {
      if (!item.containsKey(SIGNATURE)) {
        return new Marker(null, true);
      }
      return new Marker(fromMap(item.get("recordId").s(), item), false);
    }
  }

  /** The trace's counting mode as read, then as the entries of one attempt leave it. */
  static final class ModeState {
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

    boolean calls() {
      return UsageAccounting.Mode.CALLS.name().equals(mode);
    }

    @Nullable
    Contribution agentLevel(String recordId) {
      AttributeValue v = agentLevel.get(recordId);
      return v == null ? null : fromMap(recordId, v.m());
    }
  }

  static Map<String, AttributeValue> recordKey(AttributeValue pk, String recordId) {
    return Map.of(DynamoItem.PK, pk, DynamoItem.SK, AttributeValue.fromS(DynamoItem.recordSk(recordId)));
  }

  static Map<String, AttributeValue> markerKey(AttributeValue pk, String recordId) {
    return Map.of(DynamoItem.PK, pk, DynamoItem.SK, AttributeValue.fromS(DynamoItem.usageMarkerSk(recordId)));
  }

  TransactWriteItem deleteRecord(AttributeValue pk, String recordId) {
    return TransactWriteItem.builder().delete(d -> d.tableName(table).key(recordKey(pk, recordId))).build();
  }

  /**
   * A check that the record item holds the version with {@code contentHash}, which also takes the
   * record's {@link UsageRepair#PENDING} mark away: the mark goes exactly when the count lands.
   */
  TransactWriteItem recordCheck(AttributeValue pk, String recordId, String contentHash) {
    return TransactWriteItem.builder().update(u -> u.tableName(table)
        .key(recordKey(pk, recordId))
        .updateExpression("REMOVE #pending")
        .conditionExpression("#h = :h")
        .expressionAttributeNames(Map.of("#h", DynamoItem.CONTENT_HASH, "#pending", UsageRepair.PENDING))
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(contentHash)))).build();
  }

  /** The marker of {@code now}, replacing no marker or the one counted under {@code before}. */
  TransactWriteItem putMarker(AttributeValue pk, Contribution now, @Nullable Contribution before) {
    Map<String, AttributeValue> item = new HashMap<>(toMap(now));
    item.put(DynamoItem.PK, pk);
    item.put(DynamoItem.SK, AttributeValue.fromS(DynamoItem.usageMarkerSk(now.recordId())));
    item.put("recordId", AttributeValue.fromS(now.recordId()));
    item.put("role", AttributeValue.fromS(UsageAccounting.Role.CALL.name()));
    if (before == null) {
      return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
          .conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(Map.of("#pk", DynamoItem.PK))).build();
    }
    return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
        .conditionExpression("#sig = :sig")
        .expressionAttributeNames(Map.of("#sig", SIGNATURE))
        .expressionAttributeValues(Map.of(":sig", AttributeValue.fromS(before.signature())))).build();
  }

  TransactWriteItem deleteMarker(AttributeValue pk, String recordId, Contribution counted) {
    return TransactWriteItem.builder().delete(d -> d.tableName(table)
        .key(markerKey(pk, recordId))
        .conditionExpression("#sig = :sig")
        .expressionAttributeNames(Map.of("#sig", SIGNATURE))
        .expressionAttributeValues(Map.of(":sig", AttributeValue.fromS(counted.signature())))).build();
  }

  /** The mode item as {@code mode} leaves it: an update of the version read, or a first put. */
  TransactWriteItem writeMode(Map<String, AttributeValue> key, ModeState mode) {
    return mode.existed ? updateMode(key, mode) : putMode(key, mode);
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
    item.put("mode", AttributeValue.fromS(mode.mode == null ? UsageAccounting.Mode.AGENT_LEVEL.name() : mode.mode));
    item.put("version", AttributeValue.fromN("1"));
    if (!mode.agentLevel.isEmpty()) {
      item.put("agentLevel", AttributeValue.fromM(mode.agentLevel));
    }
    return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
        .conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", DynamoItem.PK))).build();
  }

  /** Adds {@code delta} to the contribution's aggregates and its trace's summary, merged by key. */
  static void add(Map<List<String>, long[]> deltas, Map<List<String>, Target> targets,
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

  TransactWriteItem addItem(List<String> key, @Nullable Target target, long[] delta) {
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

  static Map<String, AttributeValue> toMap(Contribution c) {
    Map<String, AttributeValue> m = new HashMap<>();
    m.put("day", AttributeValue.fromS(c.day().toString()));
    m.put("agent", AttributeValue.fromS(c.agent()));
    m.put("session", AttributeValue.fromS(c.session()));
    m.put("model", AttributeValue.fromS(c.model()));
    m.put(SIGNATURE, AttributeValue.fromS(c.signature()));
    long[] counts = UsageAccounting.counts(c.usage());
    for (int i = 0; i < COUNT_NAMES.length; i++) {
      m.put(COUNT_NAMES[i], AttributeValue.fromN(Long.toString(counts[i])));
    }
    return m;
  }

  static Contribution fromMap(String recordId, Map<String, AttributeValue> m) {
    long[] c = new long[COUNT_NAMES.length];
    for (int i = 0; i < COUNT_NAMES.length; i++) {
      c[i] = Long.parseLong(m.get(COUNT_NAMES[i]).n());
    }
    return new Contribution(recordId, LocalDate.parse(m.get("day").s()), m.get("agent").s(),
        m.get("session").s(), m.get("model").s(), UsageAccounting.usage(c));
  }
}
