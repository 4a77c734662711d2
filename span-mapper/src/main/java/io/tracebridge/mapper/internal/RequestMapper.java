package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.internal.ResourceMapper.ResourceFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.annotation.concurrent.ThreadSafe;

/**
 * The orchestrator behind {@link io.tracebridge.mapper.SpanMapper}. Internal: use {@code
 * SpanMapper}.
 *
 * <p>First pass: reject spans with unreadable ids, read each resource once, and note the session
 * id each trace carries. Second pass: give every readable span to every {@link DialectMapper}.
 * Records with the same id (a span sent twice in one request) are kept once: the last one
 * read, in the place of the first. Stateless and thread-safe.
 */
@ThreadSafe
public final class RequestMapper {
  private final List<DialectMapper> dialects = List.of(new HookEventMapper());

  public MappingResult map(String tenant, List<ResourceSpans> resourceSpans) {
    IssueLog issues = new IssueLog();
    List<SpanView> readable = readableSpans(tenant, resourceSpans, issues);

    Map<String, String> sessionByTrace = new HashMap<>();
    for (SpanView span : readable) {
      String session =
          span.attributes().first(GenAiAttributes.SESSION_ID, GenAiAttributes.CONVERSATION_ID);
      if (session != null) {
        sessionByTrace.putIfAbsent(span.ids().traceId(), session);
      }
    }

    Map<String, FunctionalRecord> byId = new LinkedHashMap<>();
    for (SpanView span : readable) {
      SpanView withSession = span.withTraceSessionId(sessionByTrace.get(span.ids().traceId()));
      for (DialectMapper dialect : dialects) {
        for (FunctionalRecord record : dialect.map(withSession)) {
          byId.put(record.recordId(), record);
        }
      }
    }
    return new MappingResult(
        new ArrayList<>(byId.values()), issues.rejectedSpans(), issues.issues());
  }

  /** Every span with readable ids, in request order; the rest are rejected into {@code issues}. */
  private static List<SpanView> readableSpans(
      String tenant, List<ResourceSpans> resourceSpans, IssueLog issues) {
    List<SpanView> readable = new ArrayList<>();
    for (ResourceSpans rs : resourceSpans) {
      ResourceFacts resource = ResourceMapper.map(rs.getResource(), issues.forSpan(null, null));
      for (ScopeSpans scope : rs.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          String reason = SpanIdentity.rejectionReason(span);
          if (reason != null) {
            issues.reject(
                SpanIdentity.hexOrNull(span.getTraceId()),
                SpanIdentity.hexOrNull(span.getSpanId()),
                reason);
            continue;
          }
          SpanIdentity ids = SpanIdentity.of(span);
          Consumer<String> onOddValue = issues.forSpan(ids.traceId(), ids.spanId());
          Attributes attributes = Attributes.of(span.getAttributesList(), onOddValue);
          readable.add(new SpanView(tenant, ids, span, attributes, resource, null, onOddValue));
        }
      }
    }
    return readable;
  }
}
