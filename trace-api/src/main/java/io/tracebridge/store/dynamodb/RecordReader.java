package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceSnapshot;
import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.UsageItems.Marker;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The reads: a trace's records ({@link #findByTrace}, strongly consistent), an assembly pass's
 * {@link #snapshot}, a session's records ({@code bySession}, eventually consistent), the feeds
 * by ingest sequence (a trace's partition, {@code gsi2}, {@code gsi3}), trace lists ({@link
 * TraceLists}) and usage aggregates. Each runs as one task on the store's pool. Thread-safe.
 */
final class RecordReader {
  private final DynamoDbClient client;
  private final String table;
  private final ItemReads reads;
  private final TraceLists lists;
  private final StoreExecutor executor;

  RecordReader(DynamoDbClient client, String table, ItemReads reads, TraceLists lists,
      StoreExecutor executor) {
    this.client = client;
    this.table = table;
    this.reads = reads;
    this.lists = lists;
    this.executor = executor;
  }

  CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
    QueryRequest query = traceRecordsQuery(tenant, traceId);
    return executor.submit("Query", () -> {
      List<FunctionalRecord> records = new ArrayList<>();
      reads.queryAll(query, item -> records.add(DynamoItem.fromItem(item)));
      records.sort(FunctionalRecord.TIMELINE);
      return records;
    });
  }

  private QueryRequest traceRecordsQuery(String tenant, String traceId) {
    String pk = DynamoItem.tracePk(tenant, traceId);
    return QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :rec)")
        .expressionAttributeNames(Map.of("#pk", DynamoItem.PK, "#sk", DynamoItem.SK))
        .expressionAttributeValues(Map.of(
            ":pk", AttributeValue.fromS(pk), ":rec", AttributeValue.fromS(DynamoItem.RECORD_PREFIX)))
        .consistentRead(true)
        .build();
  }

  /**
   * One strongly consistent Query of the trace's partition, filtered to its records, spans, call
   * markers, mode item and pass counter (the summary is left out; the filter saves transfer, not
   * read capacity). Its {@link SnapshotBasis} keeps what the pass's writes need.
   */
  CompletionStage<TraceSnapshot> snapshot(String tenant, String traceId) {
    String pk;
    try {
      pk = DynamoItem.tracePk(tenant, traceId);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    QueryRequest query = QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("#pk = :pk")
        // A filter may not name the sort key: records and spans are the items with a spanId,
        // call markers have a role, the mode item a mode, the pass counter passes or a lease.
        .filterExpression("attribute_exists(#span) OR attribute_exists(#passes) OR attribute_exists(#lease)"
            + " OR attribute_exists(#role) OR attribute_exists(#mode)")
        .expressionAttributeNames(Map.of("#pk", DynamoItem.PK, "#span", "spanId", "#passes", "passes",
            "#lease", WriteLease.LEASE, "#role", "role", "#mode", "mode"))
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
        .consistentRead(true)
        .build();
    return executor.submit("Query", () -> executor.retrying("Query", () -> {
      List<FunctionalRecord> records = new ArrayList<>();
      Map<String, SpanNode> spans = new HashMap<>();
      Map<String, Marker> markers = new HashMap<>();
      Map<String, AttributeValue> mode = new HashMap<>();
      long[] passes = {0};
      long[] leaseSeen = {0};
      reads.queryAll(query, item -> {
        String sk = item.get(DynamoItem.SK).s();
        if (sk.startsWith(DynamoItem.RECORD_PREFIX)) {
          records.add(DynamoItem.fromItem(item));
        } else if (sk.startsWith(DynamoItem.SPAN_PREFIX)) {
          SpanNode span = DynamoItem.spanFromItem(item);
          spans.put(span.spanId(), span);
        } else if (sk.equals(DynamoItem.USAGE_MODE_SK)) {
          mode.putAll(item);
        } else if (sk.equals(DynamoItem.PASSES_SK)) {
          if (item.containsKey("passes")) {
            passes[0] = Long.parseLong(item.get("passes").n());
          }
          if (item.containsKey(WriteLease.LEASE_UNTIL)) {
            leaseSeen[0] = Long.parseLong(item.get(WriteLease.LEASE_UNTIL).n());
          }
        } else if (RecordWriter.isCallMarker(item)) {
          markers.put(item.get("recordId").s(), Marker.fromItem(item));
        }
      });
      records.sort(FunctionalRecord.TIMELINE);
      SnapshotBasis known = new SnapshotBasis(pk, records, markers, mode, passes[0], leaseSeen[0]);
      return new TraceSnapshot(records, spans, passes[0], known);
    }));
  }

  CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId) {
    QueryRequest query =
        QueryRequest.builder()
            .tableName(table)
            .indexName(TableSetup.SESSION_INDEX)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", DynamoItem.GSI1_PK))
            .expressionAttributeValues(
                Map.of(":pk", AttributeValue.fromS(DynamoItem.sessionPk(tenant, sessionId))))
            .build();
    return executor.submit("Query", () -> {
      List<FunctionalRecord> records = new ArrayList<>();
      reads.queryAll(query, item -> records.add(DynamoItem.fromItem(item)));
      records.sort(FunctionalRecord.TIMELINE);
      return records;
    });
  }

  CompletionStage<List<StoredRecord>> feed(
      String tenant, FeedScope scope, String id, @Nullable String afterSeq, int limit) {
    if (scope == FeedScope.TRACE) {
      QueryRequest query = traceRecordsQuery(tenant, id);
      return executor.submit("Query", () -> {
        List<StoredRecord> found = new ArrayList<>();
        reads.queryAll(query, item -> {
          AttributeValue seq = item.get(DynamoItem.SEQ);
          if (seq != null && (afterSeq == null || seq.s().compareTo(afterSeq) > 0)) {
            found.add(new StoredRecord(DynamoItem.fromItem(item), seq.s()));
          }
        });
        found.sort(Comparator.comparing(StoredRecord::seq));
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
      });
    }
    String index = scope == FeedScope.SESSION ? TableSetup.GSI2 : TableSetup.GSI3;
    String pkName = scope == FeedScope.SESSION ? DynamoItem.GSI2_PK : DynamoItem.GSI3_PK;
    String skName = scope == FeedScope.SESSION ? DynamoItem.GSI2_SK : DynamoItem.GSI3_SK;
    String pk = scope == FeedScope.SESSION ? DynamoItem.sessionPk(tenant, id) : DynamoItem.agentPk(tenant, id);
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", AttributeValue.fromS(pk)));
    Map<String, String> names = new HashMap<>(Map.of("#pk", pkName));
    String condition = "#pk = :pk";
    if (afterSeq != null) {
      values.put(":after", AttributeValue.fromS(afterSeq));
      names.put("#sk", skName);
      condition += " AND #sk > :after";
    }
    QueryRequest query = QueryRequest.builder()
        .tableName(table)
        .indexName(index)
        .keyConditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .limit(limit)
        .build();
    return executor.submit("Query", () -> {
      List<StoredRecord> found = new ArrayList<>();
      Map<String, AttributeValue> startKey = null;
      do {
        QueryResponse page = client.query(query.toBuilder().exclusiveStartKey(startKey).build());
        for (Map<String, AttributeValue> item : page.items()) {
          if (found.size() < limit) {
            found.add(new StoredRecord(DynamoItem.fromItem(item), item.get(DynamoItem.SEQ).s()));
          }
        }
        startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
            ? page.lastEvaluatedKey() : null;
      } while (startKey != null && found.size() < limit);
      return found;
    });
  }

  CompletionStage<TracePage> listTraces(String tenant, TraceQuery query) {
    return executor.submit("Query", () -> lists.list(tenant, query));
  }

  /** The aggregates of one kind for the days from..to (one Query per day). */
  CompletionStage<List<UsageCell>> usage(String tenant, UsageKind kind, LocalDate from, LocalDate to) {
    return executor.submit("Query", () -> {
      List<UsageCell> cells = new ArrayList<>();
      for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
        LocalDate d = day;
        reads.queryAll(
            QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", DynamoItem.PK))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(DynamoItem.usagePk(tenant, kind, d))))
                .build(),
            item -> {
              long[] c = new long[UsageItems.COUNT_NAMES.length];
              for (int i = 0; i < c.length; i++) {
                AttributeValue v = item.get(UsageItems.COUNT_NAMES[i]);
                c[i] = v == null ? 0 : Long.parseLong(v.n());
              }
              Usage u = UsageAccounting.usage(c);
              if (!u.isZero()) {
                cells.add(new UsageCell(d, item.get("value").s(), item.get("model").s(), u));
              }
            });
      }
      return cells;
    });
  }
}
