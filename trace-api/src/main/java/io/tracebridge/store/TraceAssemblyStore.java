package io.tracebridge.store;

import io.tracebridge.mapper.SpanNode;
import io.tracebridge.mapper.FunctionalRecord;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What a receiver needs from the store to assemble a trace whose spans arrive over many exports,
 * on many nodes: the spans' topology kept with the trace, a consistent read of the trace, removal
 * of superseded records, and a pass counter that tells a writer whether another writer finished a
 * pass over the same trace while it worked (the store is the meeting point of the nodes; see the
 * collector-receiver's {@code TraceAssembler} for the protocol built on it).
 *
 * <p>Every call is scoped to one (tenant, trace); the trace id may be in either form and a
 * malformed one fails the stage with a permanent {@link StoreException}. Stages fail with {@link
 * StoreException}s classified as {@link TraceSink#accept}'s are. Thread-safe.
 */
public interface TraceAssemblyStore {

  /** The trace's records, spans and finished passes, read strongly consistently in one go. */
  CompletionStage<TraceSnapshot> snapshot(String tenant, String traceId);

  /**
   * Stores the topology of {@code spans} (span-mapper's {@link SpanNode}s) each with its trace;
   * idempotent (a span stored again overwrites itself). Completes when durable.
   */
  CompletionStage<Void> putSpans(String tenant, Collection<SpanNode> spans);

  /**
   * Removes records of the trace that turned out to duplicate another (a hook event's copy of a
   * step whose native span has the same step): each record item goes in one atomic write with
   * taking its usage count back ({@link UsageAccounting}). Unknown ids are ignored. Listeners are
   * told ({@link StoredRecordListener#removed}).
   */
  CompletionStage<Void> remove(String tenant, String traceId, Collection<String> recordIds);

  /**
   * Ends a writer's pass over the trace, one that began with a snapshot whose {@link
   * TraceSnapshot#passes()} was {@code passesSeen}: atomically counts this pass and says whether
   * no other pass ended since that snapshot (true), or one did (false: the writer must read the
   * trace again, as another node may have stored what it did not see).
   */
  CompletionStage<Boolean> finishPass(String tenant, String traceId, long passesSeen);

  /**
   * Writes {@code records} of the trace read in {@code basis} through {@code writer} (this store,
   * or a decorator of it that hands them on to {@link TraceSink#accept} on the calling thread),
   * letting the store use what it read in {@code basis} instead of reading the records again, and
   * write records the snapshot did not hold in batches where that is safe. The outcome is that of
   * {@code writer.accept(records)}, which is what the default does.
   */
  default CompletionStage<Void> write(TraceSink writer, TraceSnapshot basis, List<FunctionalRecord> records) {
    return writer.accept(records);
  }

  /**
   * A pass's writes in one go: stores the topology of {@code spans} ({@link #putSpans}) and writes
   * {@code records} ({@link #write(TraceSink, TraceSnapshot, List)}), letting the store put both
   * in the same batch where it can (the DynamoDB store: the span items in the BatchWriteItem of the
   * fresh records). Completes when all of it is durable; a failure may leave part of it written,
   * which the pass's retry writes again (both are idempotent). The default does {@code putSpans}
   * and then {@code write}, each only when it has something to write.
   */
  default CompletionStage<Void> write(TraceSink writer, TraceSnapshot basis, String tenant,
      Collection<SpanNode> spans, List<FunctionalRecord> records) {
    CompletionStage<Void> stored = spans.isEmpty()
        ? java.util.concurrent.CompletableFuture.completedFuture(null)
        : putSpans(tenant, spans);
    return records.isEmpty() ? stored : stored.thenCompose(v -> write(writer, basis, records));
  }

  /**
   * {@link #finishPass(String, String, long)} for the pass that began with {@code basis}: the
   * store may also release what that pass held (the default: nothing).
   */
  default CompletionStage<Boolean> finishPass(String tenant, String traceId, TraceSnapshot basis) {
    return finishPass(tenant, traceId, basis.passes());
  }

  /**
   * Whether a pass that began with {@code basis} and has nothing to write may end without {@link
   * #finishPass finishing}: true unless the store saw, in that snapshot, another pass that may
   * still write over what it shows (the DynamoDB store's write lease); the default, for a store
   * whose writes never overwrite blindly, is true.
   */
  default boolean settled(TraceSnapshot basis) {
    return true;
  }

  /**
   * Whether {@code stored}, a record of {@code basis}, is stored with its usage not yet counted (a
   * writer died between its record and its count): a pass that brings the same record again must
   * then write it, although nothing in it changed, so that the count lands before the export is
   * acknowledged rather than at the next usage repair. The default, for a store that counts in the
   * write that stores, is false.
   */
  default boolean uncounted(TraceSnapshot basis, FunctionalRecord stored) {
    return false;
  }
}
