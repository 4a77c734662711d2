package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.StoredSpan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * The span topology of one export request, by W3C trace id: one {@link StoredSpan} per span with
 * valid ids, whether or not it gave records (a Strands {@code execute_event_loop_cycle} span gives
 * none but links a {@code chat} span to its {@code invoke_agent} span).
 *
 * <p>Interim, until span-mapper's {@code MappingResult} carries the spans it read: the tree (span
 * and parent ids) comes from the request; a span is an agent's when its own agent-level records
 * ({@code prompt}, {@code response}) name an agent, and its session is the one its records carry.
 * Stateless and thread-safe.
 */
final class SpanTopology {
  private static final int TRACE_ID_BYTES = 16;
  private static final int SPAN_ID_BYTES = 8;

  private SpanTopology() {}

  static Map<String, List<StoredSpan>> of(ExportTraceServiceRequest request, List<FunctionalRecord> records) {
    Map<String, FunctionalRecord> agentRecords = new HashMap<>();
    Map<String, String> sessions = new HashMap<>();
    for (FunctionalRecord r : records) {
      String key = key(TraceIds.toW3c(r.traceId()), r.spanId());
      boolean agentLevel = r.type() == RecordType.PROMPT || r.type() == RecordType.RESPONSE;
      if (agentLevel && (r.agentId() != null || r.agentName() != null)) {
        agentRecords.putIfAbsent(key, r);
      }
      if (r.sessionId() != null) {
        sessions.putIfAbsent(key, r.sessionId());
      }
    }
    Map<String, List<StoredSpan>> byTrace = new LinkedHashMap<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans scope : rs.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          String traceId = id(span.getTraceId().toByteArray(), TRACE_ID_BYTES);
          String spanId = id(span.getSpanId().toByteArray(), SPAN_ID_BYTES);
          if (traceId == null || spanId == null) {
            continue; // the mapper rejects it
          }
          String key = key(traceId, spanId);
          FunctionalRecord agent = agentRecords.get(key);
          byTrace.computeIfAbsent(traceId, k -> new ArrayList<>()).add(new StoredSpan(
              spanId, id(span.getParentSpanId().toByteArray(), SPAN_ID_BYTES),
              agent == null ? null : agent.agentId(), agent == null ? null : agent.agentName(),
              sessions.get(key)));
        }
      }
    }
    return byTrace;
  }

  private static String key(String traceId, String spanId) {
    return traceId + "/" + spanId;
  }

  /** Lower-case hex of a valid id (right length, not all zeros), else null. */
  @Nullable
  private static String id(byte[] bytes, int length) {
    if (bytes.length != length) {
      return null;
    }
    for (byte b : bytes) {
      if (b != 0) {
        return TraceIds.hex(bytes);
      }
    }
    return null;
  }
}
