package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.TraceSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * What a snapshot read besides records and spans, kept for the pass that took it ({@link
 * TraceSnapshot#basis()}): the stored records by id, the call markers, the mode item (empty:
 * absent), the finished passes, the lease's end it saw, and the write lease once the pass holds
 * it ({@link WriteLease}). Thread-safe for one pass.
 */
final class SnapshotBasis {
  private final String pk;
  private final Map<String, FunctionalRecord> records = new HashMap<>();
  private final Map<String, UsageItems.Marker> markers;
  private final Map<String, AttributeValue> mode;
  private final long passes;
  private final long leaseSeenUntil;
  private volatile String lease;
  private volatile long leaseClaimedMillis;
  /** The pass's span puts, until the write that puts them takes them. */
  private final AtomicReference<List<WriteRequest>> spans = new AtomicReference<>();

  SnapshotBasis(String pk, List<FunctionalRecord> records, Map<String, UsageItems.Marker> markers,
      Map<String, AttributeValue> mode, long passes, long leaseSeenUntil) {
    this.pk = pk;
    this.leaseSeenUntil = leaseSeenUntil;
    records.forEach(r -> this.records.put(r.recordId(), r));
    this.markers = Map.copyOf(markers);
    this.mode = Map.copyOf(mode);
    this.passes = passes;
  }

  String pk() {
    return pk;
  }

  Map<String, FunctionalRecord> records() {
    return records;
  }

  Map<String, UsageItems.Marker> markers() {
    return markers;
  }

  Map<String, AttributeValue> mode() {
    return mode;
  }

  long passes() {
    return passes;
  }

  /** The end (epoch ms) of the lease the snapshot saw on the trace; 0 if none. */
  long leaseSeenUntil() {
    return leaseSeenUntil;
  }

  /** The token of the lease this pass holds; null if none. */
  @Nullable
  String lease() {
    return lease;
  }

  /** When (epoch ms, the store's clock) the lease this pass holds was claimed. */
  long leaseClaimedMillis() {
    return leaseClaimedMillis;
  }

  void spans(List<WriteRequest> writes) {
    spans.set(writes);
  }

  /** The span puts still to do (null: none, or taken), now taken. */
  @Nullable
  List<WriteRequest> takeSpans() {
    return spans.getAndSet(null);
  }

  void held(String token, long claimedMillis) {
    leaseClaimedMillis = claimedMillis;
    lease = token;
  }

  @Override
  public String toString() {
    return "SnapshotBasis[" + pk + ", " + records.size() + " records, passes " + passes + "]";
  }
}
