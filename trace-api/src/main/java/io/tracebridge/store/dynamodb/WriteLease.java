package io.tracebridge.store.dynamodb;

import io.tracebridge.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The trace's {@code PASSES} item: the assembly pass counter ({@link #finish}) and the write
 * lease a pass claims before it writes records blind ({@link #claim}); README, "Batched fresh
 * writes and the write lease". Lease times come from the store's {@link Clock}. Thread-safe.
 */
final class WriteLease {
  /** The {@code PASSES} item's attributes of the write lease: its holder and its end (epoch ms). */
  static final String LEASE = "lease";
  static final String LEASE_UNTIL = "leaseUntil";
  /** How long a write lease lasts; its holder starts blind writes only in the first half. */
  static final Duration LEASE_TIME = Duration.ofSeconds(2);

  private final DynamoDbClient client;
  private final String table;
  private final StoreExecutor executor;
  private final Clock clock;
  private final DynamoDbStoreStats stats;

  WriteLease(DynamoDbClient client, String table, StoreExecutor executor, Clock clock,
      DynamoDbStoreStats stats) {
    this.client = client;
    this.table = table;
    this.executor = executor;
    this.clock = clock;
    this.stats = stats;
  }

  /**
   * Claims the trace's write lease for the pass that read {@code known}: one UpdateItem of the
   * {@code PASSES} item, conditioned on no pass having finished since the snapshot and no other
   * pass holding a lease that has not expired. While a pass holds it, it alone writes records
   * blind; every other pass that finishes meanwhile is told to run again ({@link #finish}), so
   * whatever a blind write overwrote is merged back by its writer. False if another holds it.
   */
  boolean claim(SnapshotBasis known) {
    if (known.lease() != null) {
      return fresh(known);
    }
    String token = UUID.randomUUID().toString();
    long now = clock.millis();
    Map<String, String> names = new HashMap<>(Map.of("#p", "passes", "#lease", LEASE, "#until", LEASE_UNTIL));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(
        ":me", AttributeValue.fromS(token),
        ":until", AttributeValue.fromN(Long.toString(now + LEASE_TIME.toMillis())),
        ":now", AttributeValue.fromN(Long.toString(now))));
    String seen;
    if (known.passes() == 0) {
      seen = "attribute_not_exists(#p)";
    } else {
      seen = "#p = :seen";
      values.put(":seen", AttributeValue.fromN(Long.toString(known.passes())));
    }
    try {
      executor.retrying("UpdateItem", () -> client.updateItem(b -> b.tableName(table)
          .key(passesKey(known.pk()))
          .updateExpression("SET #lease = :me, #until = :until")
          .conditionExpression(seen + " AND (attribute_not_exists(#lease) OR #until < :now)")
          .expressionAttributeNames(names)
          .expressionAttributeValues(values)));
    } catch (StoreException e) {
      if (e.getCause() instanceof ConditionalCheckFailedException) {
        stats.leaseConflicts.incrementAndGet();
        return false;
      }
      throw e;
    }
    stats.leaseClaims.incrementAndGet();
    known.held(token, now);
    return true;
  }

  /** Held, with at least half of its time left: blind writes may still start. */
  boolean fresh(SnapshotBasis known) {
    return known.lease() != null
        && clock.millis() - known.leaseClaimedMillis() < LEASE_TIME.toMillis() / 2;
  }

  /** Whether the snapshot saw no lease of another pass that had not expired. */
  boolean settled(SnapshotBasis known) {
    return known.leaseSeenUntil() < clock.millis();
  }

  static Map<String, AttributeValue> passesKey(String pk) {
    return Map.of(DynamoItem.PK, AttributeValue.fromS(pk),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.PASSES_SK));
  }

  /**
   * One UpdateItem: ADD 1 to the trace's pass counter (releasing {@code lease} if this pass holds
   * it); true if no other pass finished since the snapshot and no other pass holds an unexpired
   * lease (its blind writes may still land over this pass's).
   */
  boolean finish(String pk, long passesSeen, @Nullable String lease) {
    // Not retried blindly: a lost answer to an ADD that landed would count the pass twice, which
    // only costs the caller one more pass (it reads "another pass ended"); never a missed one.
    Map<String, AttributeValue> before;
    if (lease != null) {
      try {
        before = executor.retrying("UpdateItem", () -> client.updateItem(b -> b.tableName(table)
            .key(passesKey(pk))
            .updateExpression("ADD #p :one REMOVE #lease, #until")
            .conditionExpression("#lease = :me")
            .expressionAttributeNames(Map.of("#p", "passes", "#lease", LEASE, "#until", LEASE_UNTIL))
            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":me", AttributeValue.fromS(lease)))
            .returnValues(ReturnValue.ALL_OLD))).attributes();
      } catch (StoreException e) {
        if (!(e.getCause() instanceof ConditionalCheckFailedException)) {
          throw e;
        }
        stats.leaseConflicts.incrementAndGet();
        finish(pk, passesSeen, null); // the lease ran out under this pass: count it, run again
        return false;
      }
    } else {
      before = executor.retrying("UpdateItem", () -> client.updateItem(b -> b.tableName(table)
          .key(passesKey(pk))
          .updateExpression("ADD #p :one")
          .expressionAttributeNames(Map.of("#p", "passes"))
          .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
          .returnValues(ReturnValue.ALL_OLD))).attributes();
    }
    if (before == null) {
      before = Map.of();
    }
    AttributeValue passes = before.get("passes");
    long seen = passes == null ? 0 : Long.parseLong(passes.n());
    if (seen != passesSeen) {
      return false;
    }
    AttributeValue holder = before.get(LEASE);
    if (holder == null || holder.s().equals(lease)) {
      return true;
    }
    AttributeValue until = before.get(LEASE_UNTIL);
    return until != null && Long.parseLong(until.n()) < clock.millis();
  }
}
