package io.tracebridge.store;

import java.time.Instant;
import javax.annotation.Nullable;

/**
 * Which traces to list: those of one session, of one agent, or all of the tenant's, started in
 * [{@code from}, {@code to}), newest first, {@code limit} per page, after the page token {@code
 * cursor} (from {@link TracePage#nextCursor()}).
 */
public record TraceQuery(
    @Nullable String sessionId,
    @Nullable String agentId,
    @Nullable Instant from,
    @Nullable Instant to,
    int limit,
    @Nullable String cursor) {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 200;

  public TraceQuery {
    if (sessionId != null && agentId != null) {
      throw new IllegalArgumentException("list traces by sessionId or by agentId, not both");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ": " + limit);
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to");
    }
  }

  public static TraceQuery recent(int limit) {
    return new TraceQuery(null, null, null, null, limit, null);
  }

  public TraceQuery withCursor(@Nullable String cursor) {
    return new TraceQuery(sessionId, agentId, from, to, limit, cursor);
  }

  /** Whether a trace of this session and agent belongs to the query's scope. */
  public boolean matchesScope(@Nullable String recordSession, @Nullable String recordAgent) {
    return (sessionId == null || sessionId.equals(recordSession))
        && (agentId == null || agentId.equals(recordAgent));
  }

  /** Whether a trace that started at {@code start} is in the query's time range. */
  public boolean inRange(Instant start) {
    return (from == null || !start.isBefore(from)) && (to == null || start.isBefore(to));
  }
}
