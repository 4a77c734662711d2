package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Answers queries over stored records. Every query is scoped to one tenant: a reader never
 * returns another tenant's records. Results are in {@link FunctionalRecord#TIMELINE} order and
 * belong to the caller.
 */
public interface TraceReader {

  /**
   * The records of one trace.
   *
   * @param traceId the W3C or X-Ray form of the id
   * @throws IllegalArgumentException (synchronously) if {@code traceId} is in neither form
   */
  CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId);

  /** The records of every trace of one session. */
  CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId);
}
