package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Counts the usage a writer stored but never counted because its process died between the
 * record's PutItem and the usage transaction (README, "Usage after a crash").
 *
 * <p>A writer stores every record whose usage is still to be counted ({@link
 * UsageLedger#needsCount}) with a {@value #PENDING} attribute, and the usage transaction that
 * counts it removes the attribute (its record check is a conditional update), so the mark goes
 * exactly when the count lands. The attribute is the hash key of the sparse, keys-only index
 * {@value #INDEX} (range key {@code seq}, so a repair can skip writes that are still young), spread
 * over {@value #SHARDS} partitions. A pass ({@link #run}) queries every shard and, per trace, reads
 * the marked records with their markers and the trace's mode item in one consistent
 * BatchGetItem, brings the trace summary up to date (the writer may have died before that too;
 * its updates are idempotent) and counts the records with {@link UsageLedger#count}, which is
 * exactly-once under races: a repair racing the writer itself, or the repairs of several nodes,
 * count each call once. A marked record found counted as it is (the writer's transaction found
 * nothing left to do) loses its mark with a conditional UpdateItem.
 *
 * <p>Every store runs a pass at start-up (any age) and then one every {@link
 * DynamoDbStoreConfig#usageRepairInterval()} for marks older than {@link
 * DynamoDbStoreConfig#usageRepairGrace()} (by the store's clock), so a crashed node's records are
 * counted by the next node to start, or by any node's next pass. Thread-safe; passes run on the
 * store's pool.
 */
final class UsageRepair {
  /** The sparse index of records whose usage is not counted yet. */
  static final String INDEX = "usagePending";
  /** The record attribute that puts it in {@value #INDEX}: {@code PENDING#{shard}}. */
  static final String PENDING = "usagePending";
  /** Partitions of the index, so that marking does not heat one. */
  static final int SHARDS = 16;
  private static final String PENDING_PREFIX = "PENDING#";

  private final DynamoDbClient client;
  private final String table;
  private final ItemReads reads;
  private final TraceSummaries summaries;
  private final UsageLedger ledger;
  private final StoreExecutor executor;
  private final Clock clock;
  private final DynamoDbStoreStats stats;

  UsageRepair(DynamoDbClient client, String table, ItemReads reads, TraceSummaries summaries,
      UsageLedger ledger, StoreExecutor executor, Clock clock, DynamoDbStoreStats stats) {
    this.client = client;
    this.table = table;
    this.reads = reads;
    this.summaries = summaries;
    this.ledger = ledger;
    this.executor = executor;
    this.clock = clock;
    this.stats = stats;
  }

  /**
   * For tests: a second repair over {@code store}'s pieces (its reads, summaries, ledger, pool and
   * counters) on {@code client}. The store itself builds its repair from the pieces directly.
   */
  UsageRepair(DynamoDbTraceStore store, DynamoDbClient client, String table, Clock clock) {
    this(store.usageRepair(), client, table, clock);
  }

  private UsageRepair(UsageRepair like, DynamoDbClient client, String table, Clock clock) {
    this(client, table, like.reads, like.summaries, like.ledger, like.executor, clock, like.stats);
  }

  /** The {@value #PENDING} value of a record: its shard, from its id. */
  static String shardOf(String recordId) {
    return PENDING_PREFIX + Math.floorMod(recordId.hashCode(), SHARDS);
  }

  /** Records this store's passes found uncounted and counted. */
  long repaired() {
    return stats.ledgerRepairs();
  }

  /**
   * One pass over the marks older than {@code grace} (zero: all); blocks. Returns how many
   * records it counted.
   */
  int run(Duration grace) {
    Map<String, List<String>> byTrace = new LinkedHashMap<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      Map<String, String> names = new HashMap<>(Map.of("#p", PENDING));
      Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", AttributeValue.fromS(PENDING_PREFIX + shard)));
      String condition = "#p = :p";
      if (!grace.isZero()) {
        names.put("#seq", DynamoItem.SEQ);
        values.put(":before", AttributeValue.fromS(seqBefore(clock.instant().minus(grace))));
        condition += " AND #seq < :before";
      }
      QueryRequest query = QueryRequest.builder().tableName(table).indexName(INDEX)
          .keyConditionExpression(condition)
          .expressionAttributeNames(names)
          .expressionAttributeValues(values)
          .build();
      executor.retrying("Query", () -> {
        reads.queryAll(query, item -> byTrace.computeIfAbsent(item.get(DynamoItem.PK).s(), k -> new ArrayList<>())
            .add(item.get(DynamoItem.SK).s()));
        return null;
      });
    }
    int counted = 0;
    for (Map.Entry<String, List<String>> trace : byTrace.entrySet()) {
      List<String> sks = List.copyOf(new java.util.LinkedHashSet<>(trace.getValue()));
      for (int from = 0; from < sks.size(); from += RecordWriter.MAX_BATCH_ITEMS) {
        counted += repair(trace.getKey(), sks.subList(from, Math.min(from + RecordWriter.MAX_BATCH_ITEMS, sks.size())));
      }
    }
    stats.ledgerRepairs.addAndGet(counted);
    return counted;
  }

  /** The smallest {@code seq} of a write stamped at {@code instant}: sequences sort as text. */
  private static String seqBefore(Instant instant) {
    long nanos = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    return String.format("%019d", nanos);
  }

  /** Counts the marked records {@code sks} of the trace {@code pk}; returns how many it counted. */
  private int repair(String pk, List<String> sks) {
    AttributeValue pkValue = AttributeValue.fromS(pk);
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (String sk : sks) {
      keys.add(Map.of(DynamoItem.PK, pkValue, DynamoItem.SK, AttributeValue.fromS(sk)));
      String recordId = sk.substring(DynamoItem.RECORD_PREFIX.length());
      keys.add(Map.of(DynamoItem.PK, pkValue, DynamoItem.SK, AttributeValue.fromS(DynamoItem.usageMarkerSk(recordId))));
    }
    keys.add(Map.of(DynamoItem.PK, pkValue, DynamoItem.SK, AttributeValue.fromS(DynamoItem.USAGE_MODE_SK)));
    List<Map<String, AttributeValue>> marked = new ArrayList<>();
    Map<String, UsageItems.Marker> markers = new HashMap<>();
    Map<String, AttributeValue> mode = new HashMap<>();
    for (Map<String, AttributeValue> item : reads.batchGet(keys)) {
      String sk = item.get(DynamoItem.SK).s();
      if (sk.startsWith(DynamoItem.RECORD_PREFIX)) {
        if (item.containsKey(PENDING)) {
          marked.add(item);
        }
      } else if (sk.equals(DynamoItem.USAGE_MODE_SK)) {
        mode.putAll(item);
      } else if (item.containsKey("recordId")) {
        markers.put(item.get("recordId").s(), UsageItems.Marker.fromItem(item));
      }
    }
    List<UsageLedger.Entry> uncounted = new ArrayList<>();
    for (Map<String, AttributeValue> item : marked) {
      FunctionalRecord r = DynamoItem.fromItem(item);
      String hash = item.get(DynamoItem.CONTENT_HASH).s();
      if (UsageLedger.needsCount(r, markers.get(r.recordId()), mode)) {
        uncounted.add(UsageLedger.Entry.stored(r, hash));
      } else {
        unmark(pkValue, item.get(DynamoItem.SK), hash);
      }
    }
    if (uncounted.isEmpty()) {
      return 0;
    }
    List<FunctionalRecord> records = uncounted.stream().map(UsageLedger.Entry::record).toList();
    executor.retrying("UpdateItem", () -> {
      summaries.update(records);
      return null;
    });
    ledger.count(uncounted, markers, mode);
    return uncounted.size();
  }

  /** Takes the mark off a record found counted, if it still holds that version. */
  private void unmark(AttributeValue pk, AttributeValue sk, String contentHash) {
    executor.retrying("UpdateItem", () -> {
      try {
        client.updateItem(b -> b.tableName(table)
            .key(Map.of(DynamoItem.PK, pk, DynamoItem.SK, sk))
            .updateExpression("REMOVE #p")
            .conditionExpression("#h = :h")
            .expressionAttributeNames(Map.of("#p", PENDING, "#h", DynamoItem.CONTENT_HASH))
            .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(contentHash))));
      } catch (ConditionalCheckFailedException replaced) {
        // A newer version is there, with its own mark and its own writer.
      }
      return null;
    });
  }
}
