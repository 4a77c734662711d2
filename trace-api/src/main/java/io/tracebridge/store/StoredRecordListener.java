package io.tracebridge.store;

import java.util.List;

/**
 * Told about record versions a store has just made durable, with their ingest sequence: the
 * source of live records. Called once per {@link TraceSink#accept} (or assembly {@link
 * TraceAssemblyStore#write}) call that made anything durable, with all the versions that call
 * wrote, in timeline order: record start time, then the order of the export. An identical
 * re-export writes nothing and is not reported; a call that fails after some of its records were
 * durable still reports those. Called on the thread that completes the call (a store thread for
 * the DynamoDB store), before the call's stage completes, so a listener that blocks holds up the
 * writer: hand the work to another thread. Must not block or throw; a listener that fails loses
 * only live delivery, which readers recover from the store.
 */
@FunctionalInterface
public interface StoredRecordListener {
  void stored(List<StoredRecord> records);

  /**
   * Told that records of one trace were removed from the store (they duplicated another record,
   * see {@link TraceAssemblyStore#remove}), after the removal is durable. Same rules as {@link
   * #stored}. Ignored by default.
   */
  default void removed(String tenant, String traceId, List<String> recordIds) {}
}
