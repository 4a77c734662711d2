package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.TraceSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The trace summary items ({@code TRACE#…} / {@code SUMMARY}): kept at write time with idempotent
 * updates (if_not_exists, string-set ADD, conditional min/max), listed through the overloaded
 * indexes ({@link TraceLists}). Token totals are ADDed by {@link UsageLedger} in its transactions.
 * Thread-safe.
 */
final class TraceSummaries {
  private final DynamoDbClient client;
  private final String table;

  TraceSummaries(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  /**
   * The summary of a trace that has none yet, from {@code records} (the first batch of a fresh
   * trace), in one UpdateItem conditioned on the item not existing: the same attributes {@link
   * #update} leaves on an absent item, in one call instead of one per guarded value. False, and
   * nothing written, if the summary exists (the caller then runs {@link #update}).
   */
  boolean create(List<FunctionalRecord> records) {
    SummaryFold f = SummaryFold.of(records);
    String listSk = DynamoItem.traceListSk(f.start, f.traceId);
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> set = new ArrayList<>();
    setAlways(set, names, values, "tenant", AttributeValue.fromS(f.tenant));
    setAlways(set, names, values, "traceId", AttributeValue.fromS(f.traceId));
    setAlways(set, names, values, DynamoItem.GSI3_PK, AttributeValue.fromS(DynamoItem.tenantTracesPk(f.tenant)));
    setAlways(set, names, values, "startNs", AttributeValue.fromN(Long.toString(f.start)));
    setAlways(set, names, values, "endNs", AttributeValue.fromN(Long.toString(f.end)));
    setAlways(set, names, values, DynamoItem.GSI3_SK, AttributeValue.fromS(listSk));
    if (f.error) {
      setAlways(set, names, values, "hasError", AttributeValue.fromBool(true));
    }
    if (f.answered) {
      setAlways(set, names, values, "answered", AttributeValue.fromBool(true));
    }
    if (f.session != null) {
      setAlways(set, names, values, "sessionId", AttributeValue.fromS(f.session.sessionId()));
      setAlways(set, names, values, DynamoItem.GSI1_PK,
          AttributeValue.fromS(DynamoItem.sessionTracesPk(f.tenant, f.session.sessionId())));
      setAlways(set, names, values, DynamoItem.GSI1_SK, AttributeValue.fromS(listSk));
      setAlways(set, names, values, "sessionAt", AttributeValue.fromS(at(f.session)));
    }
    if (f.agent != null) {
      if (f.agent.agentId() != null) {
        setAlways(set, names, values, "agentId", AttributeValue.fromS(f.agent.agentId()));
        setAlways(set, names, values, DynamoItem.GSI2_PK,
            AttributeValue.fromS(DynamoItem.agentTracesPk(f.tenant, f.agent.agentId())));
        setAlways(set, names, values, DynamoItem.GSI2_SK, AttributeValue.fromS(listSk));
      }
      if (f.agent.agentName() != null) {
        setAlways(set, names, values, "agentName", AttributeValue.fromS(f.agent.agentName()));
      }
      setAlways(set, names, values, "agentAt", AttributeValue.fromS(at(f.agent)));
    }
    if (f.prompt != null) {
      String text = TraceSummary.preview(f.prompt.text());
      if (text != null) {
        setAlways(set, names, values, "prompt", AttributeValue.fromS(text));
      }
      setAlways(set, names, values, "promptAt", AttributeValue.fromS(at(f.prompt)));
    }
    if (f.answer != null) {
      if (f.answer.finishReason() != null) {
        setAlways(set, names, values, "stopReason", AttributeValue.fromS(f.answer.finishReason()));
      }
      setAlways(set, names, values, "stopError", AttributeValue.fromBool(f.answer.error() != null));
      setAlways(set, names, values, "stopSpan", AttributeValue.fromS(f.answer.spanId()));
      setAlways(set, names, values, "stopAt", AttributeValue.fromS(at(f.answer)));
    }
    StringBuilder expression = new StringBuilder("SET ").append(String.join(", ", set));
    List<String> adds = new ArrayList<>();
    if (!f.tools.isEmpty()) {
      names.put("#tools", "tools");
      values.put(":tools", AttributeValue.fromSs(List.copyOf(f.tools)));
      adds.add("#tools :tools");
    }
    if (!f.failedSpans.isEmpty()) {
      names.put("#failed", "failedSpans");
      values.put(":failed", AttributeValue.fromSs(List.copyOf(f.failedSpans)));
      adds.add("#failed :failed");
    }
    if (!adds.isEmpty()) {
      expression.append(" ADD ").append(String.join(", ", adds));
    }
    names.put("#pk", DynamoItem.PK);
    try {
      client.updateItem(b -> b.tableName(table).key(key(f.tenant, f.traceId))
          .updateExpression(expression.toString())
          .conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(names)
          .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException exists) {
      return false;
    }
  }

  /**
   * Folds a chunk of one trace's records into its summary: start and end (conditional min/max),
   * tools (string-set ADD), error and answered flags; session, agent and prompt from the earliest
   * record that has one, the stop reason from the latest {@code response}, each guarded by the
   * {@code {timestamp}#{recordId}} of the record it came from (conditional updates, so the order
   * records arrive in, or a record re-attributed later, changes nothing in the outcome).
   */
  void update(List<FunctionalRecord> chunk) {
    SummaryFold f = SummaryFold.of(chunk);
    String tenant = f.tenant;
    String traceId = f.traceId;
    long start = f.start;
    long end = f.end;
    FunctionalRecord session = f.session;
    FunctionalRecord agent = f.agent;
    FunctionalRecord prompt = f.prompt;
    FunctionalRecord answer = f.answer;
    boolean error = f.error;
    boolean answered = f.answered;
    TreeSet<String> tools = f.tools;
    TreeSet<String> failedSpans = f.failedSpans;
    Map<String, AttributeValue> key = key(tenant, traceId);
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> set = new ArrayList<>();
    setAlways(set, names, values, "tenant", AttributeValue.fromS(tenant));
    setAlways(set, names, values, "traceId", AttributeValue.fromS(traceId));
    setAlways(set, names, values, DynamoItem.GSI3_PK, AttributeValue.fromS(DynamoItem.tenantTracesPk(tenant)));
    String listSk = DynamoItem.traceListSk(start, traceId);
    setIfAbsent(set, names, values, "startNs", AttributeValue.fromN(Long.toString(start)));
    setIfAbsent(set, names, values, "endNs", AttributeValue.fromN(Long.toString(end)));
    setIfAbsent(set, names, values, DynamoItem.GSI3_SK, AttributeValue.fromS(listSk));
    if (error) {
      setAlways(set, names, values, "hasError", AttributeValue.fromBool(true));
    }
    if (answered) {
      setAlways(set, names, values, "answered", AttributeValue.fromBool(true));
    }
    StringBuilder expression = new StringBuilder("SET ").append(String.join(", ", set));
    List<String> adds = new ArrayList<>();
    if (!tools.isEmpty()) {
      names.put("#tools", "tools");
      values.put(":tools", AttributeValue.fromSs(List.copyOf(tools)));
      adds.add("#tools :tools");
    }
    if (!failedSpans.isEmpty()) {
      names.put("#failed", "failedSpans");
      values.put(":failed", AttributeValue.fromSs(List.copyOf(failedSpans)));
      adds.add("#failed :failed");
    }
    if (!adds.isEmpty()) {
      expression.append(" ADD ").append(String.join(", ", adds));
    }
    UpdateItemResponse updated = client.updateItem(b -> b.tableName(table).key(key)
        .updateExpression(expression.toString())
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnValues(ReturnValue.ALL_NEW));
    Map<String, AttributeValue> now = updated.attributes();
    long storedStart = Long.parseLong(now.get("startNs").n());
    long wantedStart = Math.min(storedStart, start);
    String wantedSk = DynamoItem.traceListSk(wantedStart, traceId);

    if (session != null) {
      Map<String, AttributeValue> fields = new LinkedHashMap<>();
      fields.put("sessionId", AttributeValue.fromS(session.sessionId()));
      fields.put(DynamoItem.GSI1_PK, AttributeValue.fromS(DynamoItem.sessionTracesPk(tenant, session.sessionId())));
      fields.put(DynamoItem.GSI1_SK, AttributeValue.fromS(wantedSk));
      now = guarded(key, now, "sessionAt", at(session), true, fields);
    }
    if (agent != null) {
      Map<String, AttributeValue> fields = new LinkedHashMap<>();
      List<String> removes = new ArrayList<>();
      if (agent.agentId() != null) {
        fields.put("agentId", AttributeValue.fromS(agent.agentId()));
        fields.put(DynamoItem.GSI2_PK, AttributeValue.fromS(DynamoItem.agentTracesPk(tenant, agent.agentId())));
        fields.put(DynamoItem.GSI2_SK, AttributeValue.fromS(wantedSk));
      } else {
        removes.addAll(List.of("agentId", DynamoItem.GSI2_PK, DynamoItem.GSI2_SK));
      }
      if (agent.agentName() != null) {
        fields.put("agentName", AttributeValue.fromS(agent.agentName()));
      } else {
        removes.add("agentName");
      }
      now = guarded(key, now, "agentAt", at(agent), true, fields, removes);
    }
    if (prompt != null) {
      Map<String, AttributeValue> fields = new LinkedHashMap<>();
      List<String> removes = new ArrayList<>();
      String text = TraceSummary.preview(prompt.text());
      if (text != null) {
        fields.put("prompt", AttributeValue.fromS(text));
      } else {
        removes.add("prompt");
      }
      now = guarded(key, now, "promptAt", at(prompt), true, fields, removes);
    }
    if (answer != null) {
      Map<String, AttributeValue> fields = new LinkedHashMap<>();
      List<String> removes = new ArrayList<>();
      if (answer.finishReason() != null) {
        fields.put("stopReason", AttributeValue.fromS(answer.finishReason()));
      } else {
        removes.add("stopReason");
      }
      fields.put("stopError", AttributeValue.fromBool(answer.error() != null));
      fields.put("stopSpan", AttributeValue.fromS(answer.spanId()));
      now = guarded(key, now, "stopAt", at(answer), false, fields, removes);
    }

    long storedEnd = Long.parseLong(now.get("endNs").n());
    List<String> fix = new ArrayList<>();
    Map<String, String> fixNames = new HashMap<>(Map.of("#start", "startNs"));
    for (String sk : List.of(DynamoItem.GSI1_SK, DynamoItem.GSI2_SK, DynamoItem.GSI3_SK)) {
      AttributeValue v = now.get(sk);
      if (v != null && !v.s().equals(wantedSk)) {
        fixNames.put("#" + sk, sk);
        fix.add("#" + sk + " = :sk");
      }
    }
    if (storedStart > start || !fix.isEmpty()) {
      // DynamoDB refuses a value no expression uses: :sk only when a list key is set.
      Map<String, AttributeValue> fixValues = new HashMap<>();
      fixValues.put(":start", AttributeValue.fromN(Long.toString(wantedStart)));
      if (!fix.isEmpty()) {
        fixValues.put(":sk", AttributeValue.fromS(wantedSk));
      }
      fix.add("#start = :start");
      try {
        client.updateItem(b -> b.tableName(table).key(key)
            .updateExpression("SET " + String.join(", ", fix))
            .conditionExpression("#start >= :start")
            .expressionAttributeNames(fixNames)
            .expressionAttributeValues(fixValues));
      } catch (ConditionalCheckFailedException earlier) {
        // another writer recorded an earlier start, with its list keys
      }
    }
    if (storedEnd < end) {
      long wantedEnd = end;
      try {
        client.updateItem(b -> b.tableName(table).key(key)
            .updateExpression("SET #end = :end")
            .conditionExpression("#end < :end")
            .expressionAttributeNames(Map.of("#end", "endNs"))
            .expressionAttributeValues(Map.of(":end", AttributeValue.fromN(Long.toString(wantedEnd)))));
      } catch (ConditionalCheckFailedException later) {
        // another writer recorded a later end
      }
    }
  }

  /** {@code {timestampNanos, 19 digits}#{recordId}}: orders records as the timeline does. */
  private static String at(FunctionalRecord r) {
    return IngestSeq.format(r.timestampNanos(), r.recordId());
  }

  private Map<String, AttributeValue> guarded(Map<String, AttributeValue> key,
      Map<String, AttributeValue> now, String atName, String at, boolean earliest,
      Map<String, AttributeValue> fields) {
    return guarded(key, now, atName, at, earliest, fields, List.of());
  }

  /**
   * Sets {@code fields} (and removes {@code removes}) with {@code atName = at} unless the summary
   * already holds them from a record that wins over this one: an earlier one ({@code earliest})
   * or a later one. A record equal in place (the same record, re-attributed) wins, so its new
   * values replace its old ones. Skips the call when nothing would change. Returns the item as
   * it is now.
   */
  private Map<String, AttributeValue> guarded(Map<String, AttributeValue> key,
      Map<String, AttributeValue> now, String atName, String at, boolean earliest,
      Map<String, AttributeValue> fields, List<String> removes) {
    AttributeValue stored = now.get(atName);
    if (stored != null) {
      int order = at.compareTo(stored.s());
      if (earliest ? order > 0 : order < 0) {
        return now;
      }
      if (order == 0 && fields.entrySet().stream().allMatch(e -> e.getValue().equals(now.get(e.getKey())))
          && removes.stream().noneMatch(now::containsKey)) {
        return now;
      }
    }
    Map<String, String> names = new HashMap<>(Map.of("#at", atName));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":at", AttributeValue.fromS(at)));
    List<String> set = new ArrayList<>(List.of("#at = :at"));
    int i = 0;
    for (Map.Entry<String, AttributeValue> e : fields.entrySet()) {
      names.put("#f" + i, e.getKey());
      values.put(":f" + i, e.getValue());
      set.add("#f" + i + " = :f" + i);
      i++;
    }
    StringBuilder expression = new StringBuilder("SET ").append(String.join(", ", set));
    if (!removes.isEmpty()) {
      List<String> remove = new ArrayList<>();
      for (String name : removes) {
        names.put("#r" + i, name);
        remove.add("#r" + i);
        i++;
      }
      expression.append(" REMOVE ").append(String.join(", ", remove));
    }
    String condition = "attribute_not_exists(#at) OR #at " + (earliest ? ">=" : "<=") + " :at";
    try {
      return client.updateItem(b -> b.tableName(table).key(key)
          .updateExpression(expression.toString())
          .conditionExpression(condition)
          .expressionAttributeNames(names)
          .expressionAttributeValues(values)
          .returnValues(ReturnValue.ALL_NEW)).attributes();
    } catch (ConditionalCheckFailedException won) {
      return now; // another writer stored values from a record that wins over this one
    }
  }

  static Map<String, AttributeValue> key(String tenant, String traceId) {
    return Map.of(
        DynamoItem.PK, AttributeValue.fromS(DynamoItem.tracePk(tenant, traceId)),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.SUMMARY_SK));
  }

  private static void setAlways(List<String> set, Map<String, String> names,
      Map<String, AttributeValue> values, String attribute, AttributeValue value) {
    String n = "#a" + names.size();
    names.put(n, attribute);
    values.put(":" + n.substring(1), value);
    set.add(n + " = :" + n.substring(1));
  }

  private static void setIfAbsent(List<String> set, Map<String, String> names,
      Map<String, AttributeValue> values, String attribute, AttributeValue value) {
    String n = "#a" + names.size();
    names.put(n, attribute);
    values.put(":" + n.substring(1), value);
    set.add(n + " = if_not_exists(" + n + ", :" + n.substring(1) + ")");
  }
}
