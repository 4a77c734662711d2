package io.tracebridge.cloudwatch.xray.translator;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.internal.ContentAttributes;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.xray.CauseData;
import io.tracebridge.cloudwatch.xray.Segment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * Orchestrates the translation of OTLP spans into X-Ray segment documents (collector {@code
 * segment.go} {@code MakeSegment}), one document per span, each at most {@link
 * SegmentTrimmer#MAX_DOCUMENT_BYTES}.
 *
 * <p>Per span: ids and the trace id form ({@link TraceIds}); segment or subsegment and namespace
 * ({@link SegmentKinds}); name ({@link SegmentNames}); error/fault/throttle ({@link ErrorFlags});
 * cause ({@link CauseMapper}); annotations and metadata ({@link AnnotationsMapper}); span events,
 * kind, status, scope and links kept under {@code metadata.otel} ({@link EventsMapper}); the log
 * group link {@code aws.cloudwatch_logs} on segments; then {@link SegmentTrimmer}.
 *
 * <p>With {@code spanContent} off, GenAI content is removed from the spans first ({@link
 * ContentAttributes#strip}: from attributes, hence from metadata and annotations, and from event
 * attributes, the events keeping their names and times), and such spans carry {@code
 * metadata.default["tracebridge.content.removed"] = true}. Trimming then works on what is left.
 *
 * <p>A span that cannot be translated (invalid trace or span id; trace id epoch out of range when
 * {@code validateTraceIdEpoch} is on) is skipped and counted, never thrown. Immutable and
 * thread-safe.
 */
public final class SegmentTranslator {
  private final List<String> indexedKeys;
  private final boolean validateTraceIdEpoch;
  @Nullable private final String logGroup;
  private final boolean spanContent;
  private final int maxDocumentBytes;
  private final Clock clock;

  /**
   * @param indexedKeys attribute keys annotated besides {@link AnnotationsMapper#SEARCHABLE_KEYS}
   * @param validateTraceIdEpoch apply the collector's 28-day/5-minute trace id epoch rule
   * @param logGroup log group named in segments' {@code aws.cloudwatch_logs} (resource {@code
   *     aws.log.group.names} wins), or null
   */
  public SegmentTranslator(List<String> indexedKeys, boolean validateTraceIdEpoch, @Nullable String logGroup, Clock clock) {
    this(indexedKeys, validateTraceIdEpoch, logGroup, clock, true);
  }

  /**
   * @param spanContent false removes GenAI content from the spans before translation ({@link
   *     ContentAttributes})
   */
  public SegmentTranslator(
      List<String> indexedKeys, boolean validateTraceIdEpoch, @Nullable String logGroup, Clock clock, boolean spanContent) {
    this(indexedKeys, validateTraceIdEpoch, logGroup, clock, spanContent, SegmentTrimmer.MAX_DOCUMENT_BYTES);
  }

  SegmentTranslator(
      List<String> indexedKeys, boolean validateTraceIdEpoch, @Nullable String logGroup, Clock clock, boolean spanContent,
      int maxDocumentBytes) {
    this.indexedKeys = List.copyOf(indexedKeys);
    this.validateTraceIdEpoch = validateTraceIdEpoch;
    this.logGroup = logGroup;
    this.spanContent = spanContent;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxDocumentBytes = maxDocumentBytes;
  }

  /** A translator with the defaults: no extra indexed keys, no epoch rule, no log group. */
  public static SegmentTranslator defaults() {
    return new SegmentTranslator(List.of(), false, null, Clock.systemUTC());
  }

  /** One serialised document, ready for PutTraceSegments. */
  public record SegmentDocument(String id, String traceId, String json, int bytes, boolean trimmed) {}

  /**
   * The documents of a request, in span order, and what could not be translated.
   *
   * @param skipped spans skipped, each with a reason (no payload)
   */
  public record Translation(List<SegmentDocument> documents, List<String> skipped) {
    public Translation {
      documents = List.copyOf(documents);
      skipped = List.copyOf(skipped);
    }

    public long trimmedCount() {
      return documents.stream().filter(SegmentDocument::trimmed).count();
    }
  }

  public Translation translate(ExportTraceServiceRequest request) {
    List<SegmentDocument> documents = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    // Content goes before anything else, so neither annotations nor trimming ever see it.
    for (SpanInput input : SpanInput.flatten(spanContent ? request : ContentAttributes.strip(request))) {
      Span span = input.span();
      String spanId = Attrs.hex(span.getSpanId());
      if (!Attrs.validId(span.getTraceId(), 16) || !Attrs.validId(span.getSpanId(), 8)) {
        skipped.add("span " + (spanId.isEmpty() ? "<no id>" : spanId) + ": invalid trace or span id");
        continue;
      }
      if (validateTraceIdEpoch && !TraceIds.epochWithinRange(span.getTraceId(), clock.instant())) {
        skipped.add("span " + spanId + ": trace id epoch outside X-Ray's accepted range");
        continue;
      }
      SegmentTrimmer.Result fitted = SegmentTrimmer.fit(segment(input), maxDocumentBytes);
      if (fitted.bytes() > maxDocumentBytes) {
        skipped.add("span " + spanId + ": document of " + fitted.bytes() + " bytes even after trimming");
        continue;
      }
      documents.add(new SegmentDocument(spanId, fitted.segment().traceId(), fitted.json(), fitted.bytes(), fitted.trimmed()));
    }
    return new Translation(documents, skipped);
  }

  /** The untrimmed segment of one valid span. */
  Segment segment(SpanInput input) {
    Span span = input.span();
    Map<String, AnyValue> attributes = Attrs.toMap(span.getAttributesList());
    boolean subsegment = SegmentKinds.isSubsegment(span);
    ErrorFlags flags = ErrorFlags.of(span, attributes);
    CauseData cause = CauseMapper.cause(input, attributes);
    AnnotationsMapper.Result annotated = AnnotationsMapper.map(attributes, input.resourceAttributes(), !subsegment, indexedKeys);

    Map<String, Map<String, Object>> metadata = new LinkedHashMap<>(annotated.metadata());
    Map<String, Object> otel = new LinkedHashMap<>();
    otel.put("span.name", span.getName());
    otel.put("span.kind", kindName(span.getKind()));
    if (span.getStatus().getCode() != StatusCode.STATUS_CODE_UNSET) {
      otel.put("status.code", span.getStatus().getCode() == StatusCode.STATUS_CODE_OK ? "OK" : "ERROR");
      if (!span.getStatus().getMessage().isEmpty()) {
        otel.put("status.message", span.getStatus().getMessage());
      }
    }
    if (!input.scope().getName().isEmpty()) {
      otel.put("scope.name", input.scope().getName());
    }
    List<Map<String, Object>> events = EventsMapper.events(span);
    if (!events.isEmpty()) {
      otel.put("events", events);
    }
    if (span.getLinksCount() > 0) {
      List<Map<String, Object>> links = new ArrayList<>();
      for (Span.Link link : span.getLinksList()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("trace_id", Attrs.validId(link.getTraceId(), 16) ? TraceIds.toXRay(link.getTraceId()) : "");
        entry.put("id", Attrs.hex(link.getSpanId()));
        links.add(entry);
      }
      otel.put("links", links);
    }
    metadata.put("otel", otel);

    long end = Math.max(span.getEndTimeUnixNano(), span.getStartTimeUnixNano());
    return new Segment(
        SegmentNames.name(input, attributes, subsegment),
        Attrs.hex(span.getSpanId()),
        TraceIds.toXRay(span.getTraceId()),
        Attrs.validId(span.getParentSpanId(), 8) ? Attrs.hex(span.getParentSpanId()) : null,
        subsegment ? Segment.SUBSEGMENT : null,
        Segment.seconds(span.getStartTimeUnixNano()),
        Segment.seconds(end),
        SegmentKinds.namespace(span, attributes),
        annotated.user(),
        flags.error(),
        flags.fault(),
        flags.throttle(),
        cause,
        subsegment ? null : aws(input),
        annotated.annotations(),
        metadata);
  }

  @Nullable
  private Map<String, Object> aws(SpanInput input) {
    List<String> groups = new ArrayList<>();
    AnyValue names = input.resourceAttributes().get("aws.log.group.names");
    if (names != null && names.hasArrayValue()) {
      names.getArrayValue().getValuesList().forEach(v -> groups.add(v.getStringValue()));
    } else if (names != null && names.hasStringValue()) {
      groups.addAll(List.of(names.getStringValue().split("&")));
    } else if (logGroup != null) {
      groups.add(logGroup);
    }
    groups.removeIf(String::isBlank);
    if (groups.isEmpty()) {
      return null;
    }
    List<Map<String, Object>> logs = groups.stream().map(g -> Map.<String, Object>of("log_group", g)).toList();
    return Map.of("cloudwatch_logs", logs);
  }

  private static String kindName(Span.SpanKind kind) {
    switch (kind) {
      case SPAN_KIND_SERVER:
        return "SERVER";
      case SPAN_KIND_CLIENT:
        return "CLIENT";
      case SPAN_KIND_PRODUCER:
        return "PRODUCER";
      case SPAN_KIND_CONSUMER:
        return "CONSUMER";
      case SPAN_KIND_INTERNAL:
        return "INTERNAL";
      default:
        return "UNSPECIFIED";
    }
  }
}
