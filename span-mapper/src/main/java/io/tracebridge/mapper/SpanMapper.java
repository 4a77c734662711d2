package io.tracebridge.mapper;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.tracebridge.mapper.internal.LogsMapper;
import io.tracebridge.mapper.internal.RequestMapper;
import java.util.List;
import java.util.Objects;
import javax.annotation.concurrent.ThreadSafe;

/**
 * Maps OTLP spans to {@link FunctionalRecord}s: a pure function with no I/O and no logging.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>A span whose trace id is not 16 bytes or is all zeros, or whose span id is not 8 bytes or
 *       is all zeros, is rejected: counted in {@link MappingResult#rejectedSpans()} and named in a
 *       {@link MappingIssue}. The other spans of the request still map. So is a span (or log
 *       record) stating a token count that is negative or above {@link Usage#MAX_TOKENS} ({@link
 *       Usage#MAX_AGENT_TOTAL_TOKENS} for an agent's totals), under any convention's key: its
 *       reason names the attribute and the number.
 *   <li>Missing or odd optional attributes never throw; an odd value (a token count that is not a
 *       whole number, say) is ignored and reported as a soft {@link MappingIssue}. Issues never
 *       contain attribute values, which may hold prompts (but for a rejected token count, a
 *       number).
 *   <li>Record ids are deterministic (see {@link RecordIds}), so mapping the same span twice gives
 *       the same records; within one request each record id appears once.
 *   <li>Spans may arrive in any order. Within a request each trace's records are {@link
 *       TraceAssembly assembled}: hook copies folded into the native steps they describe, each
 *       record's agent and session taken from its nearest ancestor in the request. {@link
 *       MappingResult#spans()} gives the request's span topology, with which a receiver
 *       assembles a trace across requests.
 * </ul>
 *
 * <p>Conventions read: {@link Dialect#HOOK_EVENTS}, {@link Dialect#STRANDS}, {@link
 * Dialect#GENAI_SEMCONV}, {@link Dialect#OPENINFERENCE}, {@link Dialect#OPENLLMETRY} on spans;
 * hook-event log records, GenAI event log records and {@link Dialect#ADOT_LOGS} in {@link
 * #mapLogs}. When one span mixes conventions, the precedence in {@code internal.RequestMapper}
 * decides which one each step is read from. Content above {@link
 * ContentLimits#MAX_CONTENT_BYTES} is truncated, never dropped, and so are identity values above
 * {@link IdentityLimits#MAX_IDENTITY_BYTES}. Spans of none of these conventions give no records.
 * Instances are immutable and thread-safe; one can serve every request.
 */
@ThreadSafe
public final class SpanMapper {
  private final RequestMapper delegate = new RequestMapper();
  private final LogsMapper logs = new LogsMapper();

  /** Maps every span of an OTLP export request for {@code tenant}. */
  public MappingResult map(String tenant, ExportTraceServiceRequest request) {
    return map(tenant, request.getResourceSpansList());
  }

  /** Maps every span of {@code resourceSpans} for {@code tenant}. */
  public MappingResult map(String tenant, List<ResourceSpans> resourceSpans) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(resourceSpans, "resourceSpans");
    return delegate.map(tenant, resourceSpans);
  }

  /**
   * Maps the log records of an OTLP logs export request for {@code tenant}: hook events emitted
   * as log records (the live path) and ADOT content logs. Log records that carry none of these
   * give no records; a log record is rejected (counted in {@link MappingResult#rejectedSpans()})
   * only when it claims a convention but its trace or span id is malformed.
   */
  public MappingResult mapLogs(String tenant, ExportLogsServiceRequest request) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(request, "request");
    return logs.map(tenant, request.getResourceLogsList());
  }
}
