package io.tracebridge.store.dynamodb;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain counters of one {@link DynamoDbTraceStore} since it was created ({@link
 * DynamoDbTraceStore#stats()}), for a metrics registry to read: each getter is monotonic, cheap
 * and thread-safe (bind it as a function counter). No metrics library here: {@link #asMap()}
 * names them for a binder.
 */
public final class DynamoDbStoreStats {
  final AtomicLong recordsWritten = new AtomicLong();
  final AtomicLong conditionalConflicts = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  final AtomicLong restamps = new AtomicLong();
  final AtomicLong leaseClaims = new AtomicLong();
  final AtomicLong leaseConflicts = new AtomicLong();
  final AtomicLong usageTransactions = new AtomicLong();
  final AtomicLong usageAlreadyCounted = new AtomicLong();
  final AtomicLong usageMoves = new AtomicLong();
  final AtomicLong usageRebuilds = new AtomicLong();
  final AtomicLong ledgerRepairs = new AtomicLong();
  final AtomicLong repairFailures = new AtomicLong();

  DynamoDbStoreStats() {}

  /** Record versions made durable (conditional puts and blind batch puts that landed). */
  public long recordsWritten() {
    return recordsWritten.get();
  }

  /** Record puts whose condition failed: another writer changed the record since it was read. */
  public long conditionalConflicts() {
    return conditionalConflicts.get();
  }

  /** Retries after a retryable failure or of unprocessed items/keys, each one backoff. */
  public long retries() {
    return retries.get();
  }

  /** Writes acknowledged later than {@code maxStampAge} after their stamp, so stamped again. */
  public long restamps() {
    return restamps.get();
  }

  /** Write leases this store's passes claimed. */
  public long leaseClaims() {
    return leaseClaims.get();
  }

  /** Lease claims refused (another pass held it, or a pass finished since the snapshot), and leases lost before the finish. */
  public long leaseConflicts() {
    return leaseConflicts.get();
  }

  /** TransactWriteItems calls that counted, moved or took back usage. */
  public long usageTransactions() {
    return usageTransactions.get();
  }

  /** Records whose usage was found counted as it is (a re-export or a retried write). */
  public long usageAlreadyCounted() {
    return usageAlreadyCounted.get();
  }

  /** Counts moved from one contribution to another (re-attributed records). */
  public long usageMoves() {
    return usageMoves.get();
  }

  /** Usage transactions rebuilt after losing a race on a marker, a record or the mode item. */
  public long usageRebuilds() {
    return usageRebuilds.get();
  }

  /** Records a repair pass found stored with their usage uncounted, and counted. */
  public long ledgerRepairs() {
    return ledgerRepairs.get();
  }

  /** Repair passes that failed (logged; the next pass tries again). */
  public long repairFailures() {
    return repairFailures.get();
  }

  /** Every counter by a metric-style name ({@code tracebridge.store.<name>}), in a fixed order. */
  public Map<String, Long> asMap() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("records.written", recordsWritten());
    m.put("conditional.conflicts", conditionalConflicts());
    m.put("retries", retries());
    m.put("restamps", restamps());
    m.put("lease.claims", leaseClaims());
    m.put("lease.conflicts", leaseConflicts());
    m.put("usage.transactions", usageTransactions());
    m.put("usage.already.counted", usageAlreadyCounted());
    m.put("usage.moves", usageMoves());
    m.put("usage.rebuilds", usageRebuilds());
    m.put("ledger.repairs", ledgerRepairs());
    m.put("repair.failures", repairFailures());
    return m;
  }

  @Override
  public String toString() {
    return "DynamoDbStoreStats" + asMap();
  }
}
