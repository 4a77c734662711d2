package io.tracebridge.cwimport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;
import java.util.Locale;
import javax.annotation.Nullable;

/**
 * One CloudWatch Logs event message into OTLP: a span of the {@code aws/spans} log group that
 * Transaction Search writes (one span per event, OTLP-JSON-like with flat attributes), or a log
 * record of an agent's log group as the CloudWatch OTLP logs endpoint stores it (AgentCore / ADOT
 * content events: {@code body.input.messages}, {@code body.output.messages}). Anything else is
 * classified, never guessed at: runtime stdout lines, EMF metric lines, JSON of no known shape.
 */
final class CloudWatchEvents {
  static final ObjectMapper JSON = new ObjectMapper();

  private CloudWatchEvents() {}

  /** What a log event message turned out to be. */
  enum Kind {
    SPAN,
    LOG_RECORD,
    /** An EMF line ({@code _aws.CloudWatchMetrics}): metrics, no run data. */
    EMF,
    /** JSON that is neither a span nor a log record. */
    UNKNOWN_JSON,
    /** Not JSON (stdout of the agent, for example). */
    TEXT
  }

  /** A parsed message; {@code json} is null for {@link Kind#TEXT}. */
  record Parsed(Kind kind, @Nullable JsonNode json) {}

  static Parsed parse(String message) {
    String trimmed = message.strip();
    if (!trimmed.startsWith("{")) {
      return new Parsed(Kind.TEXT, null);
    }
    JsonNode json;
    try {
      json = JSON.readTree(trimmed);
    } catch (JsonProcessingException e) {
      return new Parsed(Kind.TEXT, null);
    }
    if (json == null || !json.isObject()) {
      return new Parsed(Kind.TEXT, null);
    }
    if (json.has("_aws")) {
      return new Parsed(Kind.EMF, json);
    }
    if (json.has("spanId") && json.has("name")
        && (json.has("startTimeUnixNano") || json.has("endTimeUnixNano"))) {
      return new Parsed(Kind.SPAN, json);
    }
    if (json.has("body") || json.has("severityNumber") || json.has("timeUnixNano")
        || json.has("observedTimeUnixNano")) {
      return new Parsed(Kind.LOG_RECORD, json);
    }
    return new Parsed(Kind.UNKNOWN_JSON, json);
  }

  /** The resource of a span or log record event (its {@code resource.attributes}). */
  static Resource resource(JsonNode event) {
    return Resource.newBuilder().addAllAttributes(OtlpValues.attributes(event.path("resource").get("attributes"))).build();
  }

  /** The instrumentation scope of an event ({@code scope.name}, {@code scope.version}). */
  static InstrumentationScope scope(JsonNode event) {
    JsonNode scope = event.path("scope");
    InstrumentationScope.Builder b = InstrumentationScope.newBuilder();
    if (scope.path("name").isTextual()) {
      b.setName(scope.get("name").asText());
    }
    if (scope.path("version").isTextual()) {
      b.setVersion(scope.get("version").asText());
    }
    return b.build();
  }

  /** The resource's {@code service.name}, or null. */
  @Nullable
  static String serviceName(Resource resource) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals("service.name") && kv.getValue().hasStringValue()) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  /**
   * The span of an {@code aws/spans} event.
   *
   * @throws IllegalArgumentException naming what is wrong (ids, times)
   */
  static Span span(JsonNode event) {
    byte[] traceId = OtlpValues.id(event.get("traceId"), 16);
    byte[] spanId = OtlpValues.id(event.get("spanId"), 8);
    if (traceId == null) {
      throw new IllegalArgumentException("span without a valid traceId");
    }
    if (spanId == null) {
      throw new IllegalArgumentException("span without a valid spanId");
    }
    Span.Builder span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(traceId))
        .setSpanId(ByteString.copyFrom(spanId))
        .setName(event.path("name").asText());
    byte[] parent = OtlpValues.id(event.get("parentSpanId"), 8);
    if (parent != null) {
      span.setParentSpanId(ByteString.copyFrom(parent));
    }
    long start = OtlpValues.nanos(event.get("startTimeUnixNano"));
    long end = OtlpValues.nanos(event.get("endTimeUnixNano"));
    if (end == 0 && start != 0 && event.has("durationNano")) {
      end = start + OtlpValues.nanos(event.get("durationNano"));
    }
    if (start == 0 && end != 0 && event.has("durationNano")) {
      start = end - OtlpValues.nanos(event.get("durationNano"));
    }
    span.setStartTimeUnixNano(start).setEndTimeUnixNano(end);
    span.setKind(kind(event.get("kind")));
    if (event.path("traceState").isTextual()) {
      span.setTraceState(event.get("traceState").asText());
    }
    if (event.path("flags").canConvertToInt()) {
      span.setFlags(event.get("flags").asInt());
    }
    span.addAllAttributes(OtlpValues.attributes(event.get("attributes")));
    JsonNode status = event.get("status");
    if (status != null && status.isObject()) {
      Status.Builder s = Status.newBuilder().setCode(statusCode(status.get("code")));
      if (status.path("message").isTextual()) {
        s.setMessage(status.get("message").asText());
      }
      span.setStatus(s);
    }
    for (JsonNode e : event.path("events")) {
      span.addEvents(Span.Event.newBuilder()
          .setName(e.path("name").asText())
          .setTimeUnixNano(OtlpValues.nanos(e.get("timeUnixNano")))
          .addAllAttributes(OtlpValues.attributes(e.get("attributes"))));
    }
    for (JsonNode l : event.path("links")) {
      byte[] lt = OtlpValues.id(l.get("traceId"), 16);
      byte[] ls = OtlpValues.id(l.get("spanId"), 8);
      if (lt != null && ls != null) {
        span.addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(lt))
            .setSpanId(ByteString.copyFrom(ls))
            .addAllAttributes(OtlpValues.attributes(l.get("attributes"))));
      }
    }
    return span.build();
  }

  /**
   * The log record of a content / GenAI event.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static LogRecord logRecord(JsonNode event) {
    LogRecord.Builder record = LogRecord.newBuilder()
        .setTimeUnixNano(OtlpValues.nanos(event.get("timeUnixNano")))
        .setObservedTimeUnixNano(OtlpValues.nanos(event.get("observedTimeUnixNano")));
    JsonNode severity = event.get("severityNumber");
    if (severity != null && severity.canConvertToInt() && severity.isNumber()) {
      record.setSeverityNumberValue(severity.asInt());
    } else if (severity != null && severity.isTextual()) {
      try {
        record.setSeverityNumber(SeverityNumber.valueOf(severity.asText()));
      } catch (IllegalArgumentException unknown) {
        // an unknown severity name loses nothing the mapper reads
      }
    }
    if (event.path("severityText").isTextual()) {
      record.setSeverityText(event.get("severityText").asText());
    }
    if (event.path("eventName").isTextual()) {
      record.setEventName(event.get("eventName").asText());
    }
    AnyValue body = OtlpValues.anyValue(event.get("body"));
    if (body != null) {
      record.setBody(body);
    }
    record.addAllAttributes(OtlpValues.attributes(event.get("attributes")));
    if (event.has("traceId")) {
      byte[] traceId = OtlpValues.id(event.get("traceId"), 16);
      if (traceId == null) {
        throw new IllegalArgumentException("log record with a malformed traceId");
      }
      record.setTraceId(ByteString.copyFrom(traceId));
    }
    if (event.has("spanId")) {
      byte[] spanId = OtlpValues.id(event.get("spanId"), 8);
      if (spanId == null) {
        throw new IllegalArgumentException("log record with a malformed spanId");
      }
      record.setSpanId(ByteString.copyFrom(spanId));
    }
    if (event.path("flags").canConvertToInt()) {
      record.setFlags(event.get("flags").asInt());
    }
    return record.build();
  }

  static Span.SpanKind kind(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Span.SpanKind.SPAN_KIND_UNSPECIFIED;
    }
    if (node.isNumber()) {
      Span.SpanKind k = Span.SpanKind.forNumber(node.asInt());
      return k == null ? Span.SpanKind.SPAN_KIND_UNSPECIFIED : k;
    }
    String name = node.asText().toUpperCase(Locale.ROOT).replace("SPAN_KIND_", "");
    return switch (name) {
      case "INTERNAL" -> Span.SpanKind.SPAN_KIND_INTERNAL;
      case "SERVER" -> Span.SpanKind.SPAN_KIND_SERVER;
      case "CLIENT" -> Span.SpanKind.SPAN_KIND_CLIENT;
      case "PRODUCER" -> Span.SpanKind.SPAN_KIND_PRODUCER;
      case "CONSUMER" -> Span.SpanKind.SPAN_KIND_CONSUMER;
      default -> Span.SpanKind.SPAN_KIND_UNSPECIFIED;
    };
  }

  static Status.StatusCode statusCode(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Status.StatusCode.STATUS_CODE_UNSET;
    }
    if (node.isNumber()) {
      Status.StatusCode c = Status.StatusCode.forNumber(node.asInt());
      return c == null ? Status.StatusCode.STATUS_CODE_UNSET : c;
    }
    String name = node.asText().toUpperCase(Locale.ROOT).replace("STATUS_CODE_", "");
    return switch (name) {
      case "OK" -> Status.StatusCode.STATUS_CODE_OK;
      case "ERROR" -> Status.StatusCode.STATUS_CODE_ERROR;
      default -> Status.StatusCode.STATUS_CODE_UNSET;
    };
  }

  /** Every resource attribute key, for the error message of a malformed resource. */
  static List<String> keys(Resource resource) {
    return resource.getAttributesList().stream().map(KeyValue::getKey).toList();
  }
}
