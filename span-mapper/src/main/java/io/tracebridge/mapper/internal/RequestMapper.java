package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.ContentLimits;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.IdentityLimits;
import io.tracebridge.mapper.RecordType;
import java.util.EnumSet;
import java.util.Set;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.mapper.TraceAssembly;
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
 * <p>First pass: reject spans with unreadable ids or token counts out of range ({@link
 * TokenCountCheck}) and read each resource once. Second pass: give
 * every readable span to every {@link DialectMapper} and note its {@link SpanNode}. Records with
 * the same id (a span sent twice in one request) are kept once: the last one read, in the place
 * of the first. Last, the request's records are assembled with its span nodes ({@link
 * TraceAssembly}). Stateless and thread-safe.
 */
@ThreadSafe
public final class RequestMapper {
  /**
   * The conventions, in precedence order: the ONE place that decides which convention wins when a
   * span mixes several. For each record type, the first convention here that reads a record of
   * that type off a span wins it; later conventions' records of that type for the same span are
   * dropped, so no step is emitted twice. Why this order:
   *
   * <ol>
   *   <li>hook events: written on purpose for this product by the runtime's (or the seed's)
   *       TelemetryCaptureHook, one event per functional step, and the only convention that is
   *       also sent live as log records; their record ids must win so the live record and the
   *       span's are one;
   *   <li>OpenLLMetry ({@link OpenLlmetryMapper}) before the GenAI mapper: the keys it reads a
   *       span by ({@code gen_ai.prompt.N.*}, {@code gen_ai.completion.N.*}, {@code
   *       llm.request.type}, {@code traceloop.span.kind}) are written only by OpenLLMetry, and when
   *       they are there they hold the span's content; such a span may also carry {@code gen_ai.operation.name} but no semconv
   *       messages, which the GenAI mapper would read as a model call with no text and so win its
   *       steps empty. It gives nothing for a span without its own keys, so the semconv-shaped
   *       spans of OpenLLMetry 0.55 and later fall through to the GenAI mapper;
   *   <li>Strands native and GenAI semconv ({@link GenAiSpanMapper}): the producer's own
   *       structured messages (details event, then per-message events, then span attributes, as
   *       {@link GenAiContentReader} orders them);
   *   <li>OpenInference last: flattened attributes that instrumentations often add beside
   *       {@code gen_ai.*} ones, and the convention with the least structure for agent steps.
   * </ol>
   *
   * The step keys are shared (the prompt is {@code agent_prompt#0} whichever convention read it),
   * so the same step read by two conventions in two different requests still has one record id.
   * Error records ({@link ErrorMapper}) are added for any span a convention read, unless a
   * convention already gave one.
   */
  private final List<DialectMapper> byPrecedence =
      List.of(new HookEventMapper(), new OpenLlmetryMapper(), new GenAiSpanMapper(),
          new OpenInferenceMapper());

  public MappingResult map(String tenant, List<ResourceSpans> resourceSpans) {
    IssueLog issues = new IssueLog();
    List<SpanView> readable = readableSpans(tenant, resourceSpans, issues);

    List<SpanNode> nodes = new ArrayList<>(readable.size());
    Map<String, FunctionalRecord> byId = new LinkedHashMap<>();
    for (SpanView span : readable) {
      nodes.add(AgentSpans.node(span));
      collect(mapSpan(span), byId);
    }
    return new MappingResult(
        assembled(byId, nodes), issues.rejectedSpans(), issues.issues(), nodes);
  }

  /**
   * The request's records assembled with its own topology ({@link TraceAssembly}): hook copies
   * folded into the native steps of the request they describe, agent and session from the
   * nearest ancestor in the request. Kept in the order they were read.
   */
  private static List<FunctionalRecord> assembled(
      Map<String, FunctionalRecord> byId, List<SpanNode> nodes) {
    TraceAssembly.Result result = TraceAssembly.assemble(byId.values(), nodes);
    Map<String, FunctionalRecord> assembled = new HashMap<>();
    for (FunctionalRecord r : result.records()) {
      assembled.put(r.recordId(), r);
    }
    List<FunctionalRecord> out = new ArrayList<>(assembled.size());
    for (String id : byId.keySet()) {
      FunctionalRecord r = assembled.get(id);
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * The records of one span, each step from one convention only (see {@link #byPrecedence}). A
   * record a later convention reads for a step an earlier one already gave (the same record id)
   * is not a second step: it fills in the fields the earlier one lacks (the hook's answer gets the
   * span's finish reason and totals, say).
   */
  List<FunctionalRecord> mapSpan(SpanView span) {
    Set<RecordType> claimed = EnumSet.noneOf(RecordType.class);
    Map<String, FunctionalRecord> out = new LinkedHashMap<>();
    Dialect first = null;
    for (DialectMapper dialect : byPrecedence) {
      Set<RecordType> produced = EnumSet.noneOf(RecordType.class);
      for (FunctionalRecord record : dialect.map(span)) {
        FunctionalRecord earlier = out.get(record.recordId());
        if (earlier != null && claimed.contains(record.type())) {
          out.put(record.recordId(), earlier.filledFrom(record));
        } else if (!claimed.contains(record.type())) {
          out.put(record.recordId(), record);
          produced.add(record.type());
          if (first == null) {
            first = record.dialect();
          }
        }
      }
      claimed.addAll(produced);
    }
    List<FunctionalRecord> records = new ArrayList<>(out.values());
    if (first != null && !claimed.contains(RecordType.ERROR)) {
      records.addAll(ErrorMapper.map(span, first));
    }
    return records;
  }

  /**
   * Adds records to {@code byId}, each with its content and its identity values limited ({@link
   * ContentLimits}, {@link IdentityLimits}); a record whose id is already there takes its place,
   * filled in from it ({@link FunctionalRecord#filledFrom}).
   */
  static void collect(List<FunctionalRecord> records, Map<String, FunctionalRecord> byId) {
    for (FunctionalRecord record : records) {
      FunctionalRecord limited = IdentityLimits.limit(ContentLimits.limit(record));
      byId.merge(limited.recordId(), limited, (earlier, later) -> later.filledFrom(earlier));
    }
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
          SpanView view = new SpanView(tenant, ids, span, attributes, resource, null, onOddValue,
              scope.getScope().getName());
          String countReason = TokenCountCheck.rejectionReason(view);
          if (countReason != null) {
            issues.reject(ids.traceId(), ids.spanId(), countReason);
            continue;
          }
          readable.add(view);
        }
      }
    }
    return readable;
  }
}
