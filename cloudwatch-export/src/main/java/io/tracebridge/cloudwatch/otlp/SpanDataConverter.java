package io.tracebridge.cloudwatch.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SDK {@link SpanData} to OTLP protobuf, grouped by resource and then by instrumentation scope, as
 * the OTLP exporter would send it. This is the one direction of conversion in the module: the
 * receiver already holds OTLP requests, the golden fixtures are OTLP/JSON, and the OTLP/HTTP mode
 * sends the protobuf as it is; so only the runtime side converts. Written here rather than reusing
 * the SDK exporter's marshaler, which lives in an {@code internal} package. Pure and thread-safe.
 */
public final class SpanDataConverter {
  private static final HexFormat HEX = HexFormat.of();

  private SpanDataConverter() {}

  public static ExportTraceServiceRequest toRequest(Collection<SpanData> spans) {
    Map<io.opentelemetry.sdk.resources.Resource, Map<InstrumentationScopeInfo, ScopeSpans.Builder>> grouped =
        new LinkedHashMap<>();
    for (SpanData span : spans) {
      grouped.computeIfAbsent(span.getResource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(span.getInstrumentationScopeInfo(), SpanDataConverter::scopeSpans)
          .addSpans(span(span));
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    grouped.forEach((resource, scopes) -> {
      ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder()
          .setResource(Resource.newBuilder().addAllAttributes(attributes(resource.getAttributes())));
      if (resource.getSchemaUrl() != null) {
        resourceSpans.setSchemaUrl(resource.getSchemaUrl());
      }
      scopes.values().forEach(resourceSpans::addScopeSpans);
      request.addResourceSpans(resourceSpans);
    });
    return request.build();
  }

  private static ScopeSpans.Builder scopeSpans(InstrumentationScopeInfo info) {
    InstrumentationScope.Builder scope = InstrumentationScope.newBuilder().setName(info.getName())
        .addAllAttributes(attributes(info.getAttributes()));
    if (info.getVersion() != null) {
      scope.setVersion(info.getVersion());
    }
    ScopeSpans.Builder builder = ScopeSpans.newBuilder().setScope(scope);
    if (info.getSchemaUrl() != null) {
      builder.setSchemaUrl(info.getSchemaUrl());
    }
    return builder;
  }

  static Span span(SpanData data) {
    Span.Builder span = Span.newBuilder()
        .setTraceId(id(data.getSpanContext().getTraceId()))
        .setSpanId(id(data.getSpanContext().getSpanId()))
        .setFlags(data.getSpanContext().getTraceFlags().asByte() & 0xff)
        .setName(data.getName())
        .setKind(kind(data.getKind()))
        .setStartTimeUnixNano(data.getStartEpochNanos())
        .setEndTimeUnixNano(data.getEndEpochNanos())
        .addAllAttributes(attributes(data.getAttributes()))
        .setDroppedAttributesCount(Math.max(0, data.getTotalAttributeCount() - data.getAttributes().size()))
        .setDroppedEventsCount(Math.max(0, data.getTotalRecordedEvents() - data.getEvents().size()))
        .setDroppedLinksCount(Math.max(0, data.getTotalRecordedLinks() - data.getLinks().size()));
    String traceState = data.getSpanContext().getTraceState().isEmpty() ? "" : w3c(data.getSpanContext());
    span.setTraceState(traceState);
    SpanContext parent = data.getParentSpanContext();
    if (parent.isValid()) {
      span.setParentSpanId(id(parent.getSpanId()));
    }
    for (EventData event : data.getEvents()) {
      span.addEvents(Span.Event.newBuilder()
          .setName(event.getName())
          .setTimeUnixNano(event.getEpochNanos())
          .addAllAttributes(attributes(event.getAttributes()))
          .setDroppedAttributesCount(Math.max(0, event.getTotalAttributeCount() - event.getAttributes().size())));
    }
    for (LinkData link : data.getLinks()) {
      span.addLinks(Span.Link.newBuilder()
          .setTraceId(id(link.getSpanContext().getTraceId()))
          .setSpanId(id(link.getSpanContext().getSpanId()))
          .addAllAttributes(attributes(link.getAttributes())));
    }
    Status.Builder status = Status.newBuilder().setCode(statusCode(data.getStatus().getStatusCode()));
    if (!data.getStatus().getDescription().isEmpty()) {
      status.setMessage(data.getStatus().getDescription());
    }
    span.setStatus(status);
    return span.build();
  }

  private static String w3c(SpanContext context) {
    StringBuilder out = new StringBuilder();
    context.getTraceState().forEach((k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return out.toString();
  }

  private static ByteString id(String hex) {
    return ByteString.copyFrom(HEX.parseHex(hex));
  }

  static List<io.opentelemetry.proto.common.v1.KeyValue> attributes(Attributes attributes) {
    List<io.opentelemetry.proto.common.v1.KeyValue> out = new java.util.ArrayList<>(attributes.size());
    attributes.forEach((AttributeKey<?> key, Object value) ->
        out.add(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(key.getKey()).setValue(anyValue(value)).build()));
    return out;
  }

  static AnyValue anyValue(Object value) {
    if (value instanceof String s) {
      return AnyValue.newBuilder().setStringValue(s).build();
    }
    if (value instanceof Boolean b) {
      return AnyValue.newBuilder().setBoolValue(b).build();
    }
    if (value instanceof Long l) {
      return AnyValue.newBuilder().setIntValue(l).build();
    }
    if (value instanceof Double d) {
      return AnyValue.newBuilder().setDoubleValue(d).build();
    }
    if (value instanceof List<?> list) {
      ArrayValue.Builder array = ArrayValue.newBuilder();
      list.forEach(item -> array.addValues(anyValue(item)));
      return AnyValue.newBuilder().setArrayValue(array).build();
    }
    if (value instanceof Value<?> v) {
      return fromValue(v);
    }
    return AnyValue.newBuilder().setStringValue(String.valueOf(value)).build();
  }

  static AnyValue fromValue(Value<?> value) {
    switch (value.getType()) {
      case STRING:
      case BOOLEAN:
      case LONG:
      case DOUBLE:
        return anyValue(value.getValue());
      case BYTES:
        ByteBuffer buffer = ((ByteBuffer) value.getValue()).duplicate();
        return AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(buffer)).build();
      case ARRAY:
        ArrayValue.Builder array = ArrayValue.newBuilder();
        ((List<?>) value.getValue()).forEach(item -> array.addValues(fromValue((Value<?>) item)));
        return AnyValue.newBuilder().setArrayValue(array).build();
      case KEY_VALUE_LIST:
        KeyValueList.Builder kvs = KeyValueList.newBuilder();
        ((List<?>) value.getValue()).forEach(item -> {
          KeyValue kv = (KeyValue) item;
          kvs.addValues(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(kv.getKey()).setValue(fromValue(kv.getValue())));
        });
        return AnyValue.newBuilder().setKvlistValue(kvs).build();
      default:
        return AnyValue.getDefaultInstance();
    }
  }

  private static Span.SpanKind kind(SpanKind kind) {
    switch (kind) {
      case SERVER:
        return Span.SpanKind.SPAN_KIND_SERVER;
      case CLIENT:
        return Span.SpanKind.SPAN_KIND_CLIENT;
      case PRODUCER:
        return Span.SpanKind.SPAN_KIND_PRODUCER;
      case CONSUMER:
        return Span.SpanKind.SPAN_KIND_CONSUMER;
      default:
        return Span.SpanKind.SPAN_KIND_INTERNAL;
    }
  }

  private static Status.StatusCode statusCode(StatusCode code) {
    switch (code) {
      case OK:
        return Status.StatusCode.STATUS_CODE_OK;
      case ERROR:
        return Status.StatusCode.STATUS_CODE_ERROR;
      default:
        return Status.StatusCode.STATUS_CODE_UNSET;
    }
  }
}
