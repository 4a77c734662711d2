package io.tracebridge.store;

/**
 * A store that both receives records and answers queries over them, and tells listeners about
 * each record version it makes durable (the source of live records, with their sequence).
 */
public interface TraceStore extends TraceSink, TraceReader {

  /** Adds a listener for written record versions; call before the store takes writes. */
  void addListener(StoredRecordListener listener);
}
