package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import javax.annotation.Nullable;

/**
 * Answers queries over stored records. Every query is scoped to one tenant: a reader never
 * returns another tenant's records or usage. Results belong to the caller.
 */
public interface TraceReader {

  /**
   * The records of one trace, in {@link FunctionalRecord#TIMELINE} order.
   *
   * @param traceId the W3C or X-Ray form of the id
   * @throws IllegalArgumentException (synchronously) if {@code traceId} is in neither form
   */
  CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId);

  /** The records of every trace of one session, in {@link FunctionalRecord#TIMELINE} order. */
  CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId);

  /**
   * The record versions of one trace, session or agent whose ingest sequence is after {@code
   * afterSeq} (all if null), in sequence order, at most {@code limit}. Trace feeds are strongly
   * consistent; session and agent feeds read an index that may lag a write by a moment (see the
   * README, "Cursors").
   *
   * @throws IllegalArgumentException (synchronously) for a malformed trace id
   */
  CompletionStage<List<StoredRecord>> feed(
      String tenant, FeedScope scope, String id, @Nullable String afterSeq, int limit);

  /** Trace summaries, newest first, one page at a time. */
  CompletionStage<TracePage> listTraces(String tenant, TraceQuery query);

  /**
   * The usage aggregates of one kind for the UTC days {@code from} to {@code to}, both included.
   * Reads the aggregates kept at write time, never the records.
   */
  CompletionStage<List<UsageCell>> usage(String tenant, UsageKind kind, LocalDate from, LocalDate to);
}
