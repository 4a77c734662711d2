package io.tracebridge.cwimport;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spans and log records of one page, grouped by resource and scope into one OTLP traces request
 * and one OTLP logs request, in the order they were read (as a producer's batch processor would
 * group them).
 */
final class OtlpBatch {
  private final Map<Resource, Map<InstrumentationScope, List<Span>>> spans = new LinkedHashMap<>();
  private final Map<Resource, Map<InstrumentationScope, List<LogRecord>>> logs = new LinkedHashMap<>();
  private final Set<String> traceIds = new LinkedHashSet<>();
  private int spanCount;
  private int logCount;

  void addSpan(Resource resource, InstrumentationScope scope, Span span) {
    spans.computeIfAbsent(resource, r -> new LinkedHashMap<>())
        .computeIfAbsent(scope, s -> new ArrayList<>()).add(span);
    traceIds.add(java.util.HexFormat.of().formatHex(span.getTraceId().toByteArray()));
    spanCount++;
  }

  void addLog(Resource resource, InstrumentationScope scope, LogRecord record) {
    logs.computeIfAbsent(resource, r -> new LinkedHashMap<>())
        .computeIfAbsent(scope, s -> new ArrayList<>()).add(record);
    if (!record.getTraceId().isEmpty()) {
      traceIds.add(java.util.HexFormat.of().formatHex(record.getTraceId().toByteArray()));
    }
    logCount++;
  }

  int spanCount() {
    return spanCount;
  }

  int logCount() {
    return logCount;
  }

  /** The W3C trace ids (hex) of every span and log record added. */
  Set<String> traceIds() {
    return traceIds;
  }

  ExportTraceServiceRequest traces() {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    spans.forEach((resource, scopes) -> {
      ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(resource);
      scopes.forEach((scope, list) -> rs.addScopeSpans(ScopeSpans.newBuilder().setScope(scope).addAllSpans(list)));
      request.addResourceSpans(rs);
    });
    return request.build();
  }

  ExportLogsServiceRequest logs() {
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    logs.forEach((resource, scopes) -> {
      ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(resource);
      scopes.forEach((scope, list) -> rl.addScopeLogs(ScopeLogs.newBuilder().setScope(scope).addAllLogRecords(list)));
      request.addResourceLogs(rl);
    });
    return request.build();
  }
}
