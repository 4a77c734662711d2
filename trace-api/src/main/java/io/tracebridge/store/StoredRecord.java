package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import java.util.Objects;

/**
 * A record as the store holds it: the record plus its ingest sequence {@link #seq()}, the
 * position the store gave this version of the record when it wrote it (see {@link IngestSeq}).
 * Feeds ({@link TraceReader#feed}) are ordered by it and websocket cursors are built from it.
 */
public record StoredRecord(FunctionalRecord record, String seq) {
  public StoredRecord {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(seq, "seq");
  }
}
