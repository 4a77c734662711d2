package io.tracebridge.cloudwatch.internal;

import io.tracebridge.genai.GenAi;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One OTLP span with the resource and scope it came under: the unit every translator works on.
 *
 * @param resourceAttributes the resource's attributes, as a map (shared by the resource's spans)
 */
public record SpanInput(Map<String, AnyValue> resourceAttributes, Resource resource, InstrumentationScope scope, Span span) {

  /** Resource attribute {@code service.name}, or empty string. */
  public String serviceName() {
    return Attrs.string(resourceAttributes, GenAi.SERVICE_NAME).orElse("");
  }

  /** Every span of the request, in request order. */
  public static List<SpanInput> flatten(ExportTraceServiceRequest request) {
    List<SpanInput> spans = new ArrayList<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Map<String, AnyValue> resourceAttributes = Map.copyOf(Attrs.toMap(resourceSpans.getResource().getAttributesList()));
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          spans.add(new SpanInput(resourceAttributes, resourceSpans.getResource(), scopeSpans.getScope(), span));
        }
      }
    }
    return spans;
  }

  /** Number of spans in the request. */
  public static int count(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        count += scopeSpans.getSpansCount();
      }
    }
    return count;
  }
}
