package io.tracebridge.store;

import java.util.List;

/**
 * Told about record versions a store has just made durable, with their ingest sequence: the
 * source of live records. Called on a store thread after the write succeeded, once per written
 * version (an identical re-export writes nothing and is not reported). Must not block or throw;
 * a listener that fails loses only live delivery, which readers recover from the store.
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
