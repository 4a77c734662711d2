package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.TraceIds;
import java.util.List;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * What a batch of one trace's records says about its summary ({@link TraceSummaries}): start and
 * end, the earliest records with a session, an agent and a prompt, the latest {@code response},
 * tools, failed spans and the error and answered flags. A value, built by {@link #of}.
 */
final class SummaryFold {
  String tenant;
  String traceId;
  long start;
  long end;
  FunctionalRecord session;
  FunctionalRecord agent;
  FunctionalRecord prompt;
  FunctionalRecord answer;
  boolean error;
  boolean answered;
  TreeSet<String> tools;
  TreeSet<String> failedSpans;

  private SummaryFold() {}

  static SummaryFold of(List<FunctionalRecord> chunk) {
    FunctionalRecord first = chunk.get(0);
    String tenant = first.tenant();
    String traceId = TraceIds.toW3c(first.traceId());
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    FunctionalRecord session = null;
    FunctionalRecord agent = null;
    FunctionalRecord prompt = null;
    FunctionalRecord answer = null;
    boolean error = false;
    boolean answered = false;
    TreeSet<String> tools = new TreeSet<>();
    TreeSet<String> failedSpans = new TreeSet<>();
    for (FunctionalRecord r : chunk) {
      long ts = r.timestampNanos();
      start = Math.min(start, ts);
      end = Math.max(end, r.durationMs() == null ? ts : ts + r.durationMs() * 1_000_000L);
      if (r.sessionId() != null && earlier(r, session)) {
        session = r;
      }
      if ((r.agentId() != null || r.agentName() != null) && earlier(r, agent)) {
        agent = r;
      }
      if (r.type() == RecordType.PROMPT && earlier(r, prompt)) {
        prompt = r;
      }
      if (r.type() == RecordType.RESPONSE && (answer == null || !earlier(r, answer))) {
        answer = r;
      }
      if (r.tool() != null && r.tool().name() != null) {
        tools.add(r.tool().name());
      }
      boolean failed = r.type() == RecordType.ERROR || r.error() != null;
      error |= failed;
      if (failed) {
        failedSpans.add(r.spanId());
      }
      answered |= r.type() == RecordType.RESPONSE;
    }
    SummaryFold f = new SummaryFold();
    f.tenant = tenant;
    f.traceId = traceId;
    f.start = start;
    f.end = end;
    f.session = session;
    f.agent = agent;
    f.prompt = prompt;
    f.answer = answer;
    f.error = error;
    f.answered = answered;
    f.tools = tools;
    f.failedSpans = failedSpans;
    return f;
  }

  /** True if {@code r} comes before {@code than} in the timeline (or {@code than} is null). */
  static boolean earlier(FunctionalRecord r, @Nullable FunctionalRecord than) {
    return than == null || FunctionalRecord.TIMELINE.compare(r, than) < 0;
  }
}
