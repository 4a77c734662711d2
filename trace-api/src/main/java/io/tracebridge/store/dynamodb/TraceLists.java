package io.tracebridge.store.dynamodb;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Trace lists: the {@code SUMMARY} items {@link TraceSummaries} keeps, read newest first through
 * the overloaded indexes ({@code bySession} for a session, {@code gsi2} for an agent, {@code
 * gsi3} for the tenant), with the index's {@code LastEvaluatedKey} as the page cursor (checked
 * against the query's partition). Thread-safe.
 */
final class TraceLists {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private final DynamoDbClient client;
  private final String table;

  TraceLists(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  TracePage list(String tenant, TraceQuery q) {
    String index;
    String pkName;
    String skName;
    String pk;
    if (q.sessionId() != null) {
      index = TableSetup.SESSION_INDEX;
      pkName = DynamoItem.GSI1_PK;
      skName = DynamoItem.GSI1_SK;
      pk = DynamoItem.sessionTracesPk(tenant, q.sessionId());
    } else if (q.agentId() != null) {
      index = TableSetup.GSI2;
      pkName = DynamoItem.GSI2_PK;
      skName = DynamoItem.GSI2_SK;
      pk = DynamoItem.agentTracesPk(tenant, q.agentId());
    } else {
      index = TableSetup.GSI3;
      pkName = DynamoItem.GSI3_PK;
      skName = DynamoItem.GSI3_SK;
      pk = DynamoItem.tenantTracesPk(tenant);
    }
    String lo = q.from() == null ? "0" : IngestSeq.floor(nanos(q.from()));
    String hi = q.to() == null ? "~" : IngestSeq.floor(nanos(q.to()) - 1) + "~";
    Map<String, AttributeValue> startKey = null;
    if (q.cursor() != null) {
      startKey = decodeCursor(q.cursor());
      AttributeValue cursorPk = startKey.get(pkName);
      if (cursorPk == null || !pk.equals(cursorPk.s())) {
        throw new IllegalArgumentException("cursor does not belong to this query");
      }
    }
    QueryRequest request = QueryRequest.builder()
        .tableName(table)
        .indexName(index)
        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
        .expressionAttributeNames(Map.of("#pk", pkName, "#sk", skName))
        .expressionAttributeValues(Map.of(
            ":pk", AttributeValue.fromS(pk), ":lo", AttributeValue.fromS(lo),
            ":hi", AttributeValue.fromS(hi)))
        .scanIndexForward(false)
        .limit(q.limit())
        .exclusiveStartKey(startKey)
        .build();
    QueryResponse page = client.query(request);
    List<TraceSummary> traces = new ArrayList<>();
    for (Map<String, AttributeValue> item : page.items()) {
      traces.add(fromItem(item));
    }
    String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
        && traces.size() == q.limit()
        ? encodeCursor(page.lastEvaluatedKey()) : null;
    return new TracePage(traces, next);
  }

  static TraceSummary fromItem(Map<String, AttributeValue> item) {
    String traceId = item.get("traceId").s();
    long start = Long.parseLong(item.get("startNs").n());
    long end = Long.parseLong(item.get("endNs").n());
    List<String> tools = item.containsKey("tools") ? new ArrayList<>(new TreeSet<>(item.get("tools").ss())) : List.of();
    return new TraceSummary(
        traceId, TraceIds.toXray(traceId), str(item, "sessionId"), str(item, "agentId"),
        str(item, "agentName"), instant(start), instant(end), Math.max(0, (end - start) / 1_000_000L),
        TraceSummary.status(bool(item, "hasError"), bool(item, "answered"), str(item, "stopReason"),
            bool(item, "stopError") || (item.containsKey("failedSpans") && item.containsKey("stopSpan")
                && item.get("failedSpans").ss().contains(item.get("stopSpan").s()))),
        new Usage(num(item, "inputTokens"), num(item, "outputTokens"), num(item, "cacheReadTokens"),
            num(item, "cacheWriteTokens"), num(item, "reasoningTokens")),
        tools, str(item, "prompt"), str(item, "stopReason"));
  }

  private static String encodeCursor(Map<String, AttributeValue> key) {
    Map<String, String> plain = new HashMap<>();
    key.forEach((k, v) -> plain.put(k, v.s()));
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(plain));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, AttributeValue> decodeCursor(String cursor) {
    try {
      Map<String, String> plain = JSON.readValue(
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8), STRING_MAP);
      Map<String, AttributeValue> key = new HashMap<>();
      plain.forEach((k, v) -> key.put(k, AttributeValue.fromS(v)));
      return key;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed cursor");
    }
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  @Nullable
  private static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  private static boolean bool(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v != null && Boolean.TRUE.equals(v.bool());
  }

  private static long num(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : Math.max(0, Long.parseLong(v.n()));
  }
}
