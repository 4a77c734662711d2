package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.StoredRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One record version made durable: the conditional PutItem of a record merged with the version
 * read before ({@link #put}), its ingest sequence stamped just before, and the re-stamp of a
 * write acknowledged later than {@link DynamoDbStoreConfig#maxStampAge()} after its stamp
 * ({@link #restampIfLate}; README, "Cursors"). Stamps and ages come from the store's {@link
 * Clock}. On the calling thread. Thread-safe.
 */
final class RecordPuts {
  /** Re-stamps of one write at most, should each take longer than the age again. */
  private static final int MAX_RESTAMPS = 5;

  private final DynamoDbClient client;
  private final String table;
  private final int maxRetries;
  private final long maxStampAgeNanos;
  private final IngestSeq seqs;
  private final Clock clock;
  private final DynamoDbStoreStats stats;

  RecordPuts(DynamoDbClient client, DynamoDbStoreConfig config, Clock clock, DynamoDbStoreStats stats) {
    this.client = client;
    this.table = config.tableName();
    this.maxRetries = config.maxRetries();
    this.maxStampAgeNanos = config.maxStampAge().toNanos();
    this.seqs = new IngestSeq(clock);
    this.clock = clock;
    this.stats = stats;
  }

  /**
   * What {@link #put} did: the record as stored, its item's content hash, and its new version
   * (null: unchanged).
   */
  record Write(FunctionalRecord record, String contentHash, @Nullable StoredRecord stored) {}

  /** A fresh ingest sequence for {@code recordId} (strictly increasing for this store). */
  String nextSeq(String recordId) {
    return seqs.next(recordId);
  }

  /** The store clock's time, in nanoseconds since the epoch. */
  long nowNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /**
   * Puts {@code r}, merged with {@code earlier} (the version read before, or null), at a fresh
   * sequence unless the merge changes nothing. The put is conditioned on the stored version being
   * the one read, so two writers of one record never lose each other's fields: the loser re-reads
   * and merges again. A put acknowledged later than {@link DynamoDbStoreConfig#maxStampAge()}
   * after its stamp is stamped again, so every stored sequence was durable within that age. A
   * record whose usage is still to be counted ({@code uncounted}) is stored with its {@link
   * UsageRepair#PENDING} mark.
   */
  Write put(FunctionalRecord r, @Nullable FunctionalRecord earlier, Predicate<FunctionalRecord> uncounted) {
    for (int attempt = 0; ; attempt++) {
      FunctionalRecord merged = earlier == null ? r : r.filledFrom(earlier);
      String hash = DynamoItem.contentHash(merged);
      if (earlier != null && hash.equals(DynamoItem.contentHash(earlier))) {
        return new Write(merged, hash, null); // identical re-export: nothing changes, the sequence stays
      }
      String seq = seqs.next(merged.recordId());
      long stamped = nowNanos();
      Map<String, AttributeValue> item = DynamoItem.toItem(merged, seq);
      if (uncounted.test(merged)) {
        item.put(UsageRepair.PENDING, AttributeValue.fromS(UsageRepair.shardOf(merged.recordId())));
      }
      try {
        if (earlier == null) {
          client.putItem(b -> b.tableName(table).item(item)
              .conditionExpression("attribute_not_exists(#pk)")
              .expressionAttributeNames(Map.of("#pk", DynamoItem.PK)));
        } else {
          AttributeValue readHash = AttributeValue.fromS(DynamoItem.contentHash(earlier));
          client.putItem(b -> b.tableName(table).item(item)
              .conditionExpression("#h = :read")
              .expressionAttributeNames(Map.of("#h", DynamoItem.CONTENT_HASH))
              .expressionAttributeValues(Map.of(":read", readHash)));
        }
      } catch (ConditionalCheckFailedException changedSinceRead) {
        stats.conditionalConflicts.incrementAndGet();
        if (attempt >= maxRetries) {
          throw new StoreException(
              "record " + r.recordId() + " kept changing under concurrent writes", true);
        }
        Map<String, AttributeValue> now = client.getItem(b -> b.tableName(table)
            .key(key(r)).consistentRead(true)).item();
        if (now != null && !now.isEmpty() && hash.equals(now.get(DynamoItem.CONTENT_HASH).s())) {
          // What this put writes is already there: an earlier attempt of this very put landed but
          // its answer was lost (a 500 or a timeout after the write), or another writer wrote the
          // same version. Report it as written, so listeners hear of it (re-merging would find
          // nothing new and stay silent); a version heard twice has one seq, which live
          // delivery sends once.
          return new Write(merged, hash,
              new StoredRecord(DynamoItem.fromItem(now), now.get(DynamoItem.SEQ).s()));
        }
        earlier = now == null || now.isEmpty() ? null : DynamoItem.fromItem(now);
        continue;
      }
      stats.recordsWritten.incrementAndGet();
      return new Write(merged, hash, restampIfLate(merged, item, seq, stamped));
    }
  }

  /**
   * The stored version of {@code r}, written as {@code item} at {@code seq} stamped at {@code
   * stampedNanos}: if the write was acknowledged more than {@code maxStampAge} after the stamp
   * (by the store's clock, now), stamped again with an UpdateItem of {@code seq} and its feed
   * index keys conditioned on the old {@code seq}, up to 5 times. Null if a newer version
   * replaced it meanwhile (its writer reports that one).
   */
  @Nullable
  StoredRecord restampIfLate(
      FunctionalRecord r, Map<String, AttributeValue> item, String seq, long stampedNanos) {
    long stamped = stampedNanos;
    for (int restamps = 0; nowNanos() - stamped > maxStampAgeNanos && restamps < MAX_RESTAMPS; restamps++) {
      String fresh = seqs.next(r.recordId());
      stamped = nowNanos();
      Map<String, String> names = new HashMap<>(Map.of("#seq", DynamoItem.SEQ));
      StringBuilder set = new StringBuilder("SET #seq = :n");
      if (item.containsKey(DynamoItem.GSI2_PK)) {
        names.put("#g2", DynamoItem.GSI2_SK);
        set.append(", #g2 = :n");
      }
      if (item.containsKey(DynamoItem.GSI3_PK)) {
        names.put("#g3", DynamoItem.GSI3_SK);
        set.append(", #g3 = :n");
      }
      String old = seq;
      try {
        client.updateItem(b -> b.tableName(table)
            .key(Map.of(DynamoItem.PK, item.get(DynamoItem.PK), DynamoItem.SK, item.get(DynamoItem.SK)))
            .updateExpression(set.toString())
            .conditionExpression("#seq = :o")
            .expressionAttributeNames(names)
            .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(fresh), ":o", AttributeValue.fromS(old))));
        seq = fresh;
        stats.restamps.incrementAndGet();
      } catch (ConditionalCheckFailedException overtaken) {
        return null; // a newer version replaced it; that writer reports it
      }
    }
    return new StoredRecord(r, seq);
  }

  static Map<String, AttributeValue> key(FunctionalRecord r) {
    return Map.of(
        DynamoItem.PK, AttributeValue.fromS(DynamoItem.tracePk(r.tenant(), r.traceId())),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.recordSk(r.recordId())));
  }
}
