package io.tracebridge.cwimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * X-Ray segment documents (BatchGetTraces) back into OTLP spans, for runs that only X-Ray has.
 * The inverse of the awsxray translation as far as a document allows: the segment and each
 * embedded subsegment become a span (id, parent, times); attributes come from {@code
 * metadata.default} and from annotations (whose keys lost their dots: the GenAI keys are mapped
 * back by name, others kept as they are); resource attributes from {@code
 * metadata.default["otel.resource.*"]} of the segment; span name, kind, status, scope, events and
 * links from {@code metadata.otel}, where TraceBridge's exporter keeps them (other producers'
 * documents get the document name, SERVER for segments, CLIENT for {@code remote}/{@code aws}
 * subsegments, INTERNAL otherwise, and ERROR status for a fault).
 */
final class XRaySegments {
  /** Attribute keys whose annotation form ({@code [^A-Za-z0-9] -> _}) is mapped back. */
  static final List<String> KNOWN_KEYS = List.of(
      "session.id", "gen_ai.conversation.id", "gen_ai.agent.name", "gen_ai.agent.id",
      "gen_ai.operation.name", "gen_ai.request.model", "gen_ai.response.model", "gen_ai.system",
      "gen_ai.provider.name", "gen_ai.tool.name", "gen_ai.tool.call.id", "gen_ai.tool.status",
      "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.prompt_tokens",
      "gen_ai.usage.completion_tokens", "gen_ai.usage.total_tokens",
      "gen_ai.usage.cache_read_input_tokens", "gen_ai.usage.cache_write_input_tokens",
      "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.reasoning_tokens",
      "gen_ai.usage.reasoning.output_tokens", "openinference.span.kind", "agent.name",
      "llm.model_name", "llm.provider", "llm.token_count.prompt", "llm.token_count.completion",
      "llm.token_count.total", "tool.name");
  private static final Map<String, String> BY_ANNOTATION_KEY = new HashMap<>();

  static {
    for (String key : KNOWN_KEYS) {
      BY_ANNOTATION_KEY.putIfAbsent(key.replaceAll("[^A-Za-z0-9]", "_"), key);
    }
  }

  private XRaySegments() {}

  /** One span with the resource and scope it belongs to. */
  record Converted(Resource resource, InstrumentationScope scope, Span span) {}

  /**
   * The spans of one trace's documents.
   *
   * @param documents the documents of one trace (segments and independent subsegments), as
   *     BatchGetTraces returns them
   * @param problems receives one reason per document that could not be read (it is skipped)
   */
  static List<Converted> spans(List<String> documents, List<String> problems) {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (String document : documents) {
      try {
        JsonNode json = CloudWatchEvents.JSON.readTree(document);
        if (json == null || !json.path("id").isTextual()) {
          problems.add("X-Ray document without an id");
          continue;
        }
        byId.put(json.get("id").asText(), json);
      } catch (Exception e) {
        problems.add("X-Ray document that is not JSON");
      }
    }
    List<Converted> out = new ArrayList<>();
    for (JsonNode doc : byId.values()) {
      boolean independentSubsegment = "subsegment".equals(doc.path("type").asText());
      Resource resource = independentSubsegment ? resourceOfAncestor(doc, byId) : resource(doc);
      String traceId = doc.path("trace_id").asText();
      try {
        convert(doc, traceId, doc.path("parent_id").asText(null), !independentSubsegment, resource, out);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    return out;
  }

  private static void convert(JsonNode doc, String traceId, @Nullable String parentId, boolean segment,
      Resource resource, List<Converted> out) {
    byte[] trace = OtlpValues.id(CloudWatchEvents.JSON.getNodeFactory().textNode(traceId), 16);
    byte[] id = OtlpValues.id(doc.get("id"), 8);
    if (trace == null || id == null) {
      throw new IllegalArgumentException("X-Ray document with a malformed trace_id or id");
    }
    JsonNode otel = doc.path("metadata").path("otel");
    Span.Builder span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(trace))
        .setSpanId(ByteString.copyFrom(id))
        .setName(otel.path("span.name").isTextual() ? otel.get("span.name").asText() : doc.path("name").asText())
        .setStartTimeUnixNano(nanos(doc.get("start_time")))
        .setEndTimeUnixNano(nanos(doc.get("end_time")));
    byte[] parent = parentId == null ? null : OtlpValues.id(CloudWatchEvents.JSON.getNodeFactory().textNode(parentId), 8);
    if (parent != null) {
      span.setParentSpanId(ByteString.copyFrom(parent));
    }
    String namespace = doc.path("namespace").asText("");
    span.setKind(otel.has("span.kind") ? CloudWatchEvents.kind(otel.get("span.kind"))
        : segment ? Span.SpanKind.SPAN_KIND_SERVER
        : namespace.equals("remote") || namespace.equals("aws") ? Span.SpanKind.SPAN_KIND_CLIENT
        : Span.SpanKind.SPAN_KIND_INTERNAL);
    Map<String, AnyValue> attributes = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("metadata").path("default").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("otel.resource.") || e.getKey().startsWith("tracebridge.")) {
        continue;
      }
      AnyValue v = OtlpValues.anyValue(e.getValue());
      if (v != null) {
        attributes.put(e.getKey(), v);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("annotations").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      AnyValue v = OtlpValues.anyValue(e.getValue());
      if (v != null) {
        attributes.putIfAbsent(BY_ANNOTATION_KEY.getOrDefault(e.getKey(), e.getKey()), v);
      }
    }
    if (doc.path("user").isTextual()) {
      attributes.putIfAbsent("enduser.id", AnyValue.newBuilder().setStringValue(doc.get("user").asText()).build());
    }
    attributes.forEach((k, v) -> span.addAttributes(KeyValue.newBuilder().setKey(k).setValue(v)));
    if (otel.has("status.code")) {
      Status.Builder status = Status.newBuilder().setCode(CloudWatchEvents.statusCode(otel.get("status.code")));
      if (otel.path("status.message").isTextual()) {
        status.setMessage(otel.get("status.message").asText());
      }
      span.setStatus(status);
    } else if (doc.path("fault").asBoolean(false)) {
      span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)
          .setMessage(doc.path("cause").path("exceptions").path(0).path("message").asText("")));
    }
    for (JsonNode e : otel.path("events")) {
      span.addEvents(Span.Event.newBuilder().setName(e.path("name").asText())
          .setTimeUnixNano(nanos(e.get("time")))
          .addAllAttributes(OtlpValues.attributes(e.get("attributes"))));
    }
    for (JsonNode l : otel.path("links")) {
      byte[] lt = OtlpValues.id(l.get("trace_id"), 16);
      byte[] ls = OtlpValues.id(l.get("id"), 8);
      if (lt != null && ls != null) {
        span.addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(lt)).setSpanId(ByteString.copyFrom(ls))
            .addAllAttributes(OtlpValues.attributes(l.get("attributes"))));
      }
    }
    InstrumentationScope.Builder scope = InstrumentationScope.newBuilder();
    if (otel.path("scope.name").isTextual()) {
      scope.setName(otel.get("scope.name").asText());
    }
    out.add(new Converted(resource, scope.build(), span.build()));
    for (JsonNode sub : doc.path("subsegments")) {
      convert(sub, traceId, doc.path("id").asText(), false, resource, out);
    }
  }

  private static Resource resource(JsonNode segment) {
    Resource.Builder resource = Resource.newBuilder();
    boolean serviceName = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = segment.path("metadata").path("default").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("otel.resource.")) {
        AnyValue v = OtlpValues.anyValue(e.getValue());
        if (v != null) {
          String key = e.getKey().substring("otel.resource.".length());
          serviceName |= key.equals("service.name");
          resource.addAttributes(KeyValue.newBuilder().setKey(key).setValue(v));
        }
      }
    }
    if (!serviceName && segment.path("name").isTextual()) {
      resource.addAttributes(KeyValue.newBuilder().setKey("service.name")
          .setValue(AnyValue.newBuilder().setStringValue(segment.get("name").asText())));
    }
    return resource.build();
  }

  private static Resource resourceOfAncestor(JsonNode subsegment, Map<String, JsonNode> byId) {
    JsonNode at = subsegment;
    for (int hops = 0; hops < byId.size() && at != null; hops++) {
      if (!"subsegment".equals(at.path("type").asText())) {
        return resource(at);
      }
      at = byId.get(at.path("parent_id").asText(""));
    }
    return Resource.getDefaultInstance();
  }

  /** X-Ray seconds (a JSON number, possibly with more digits than a double holds) as nanoseconds. */
  static long nanos(@Nullable JsonNode seconds) {
    if (seconds == null || !seconds.isNumber()) {
      return 0;
    }
    BigDecimal value = seconds.isBigDecimal() ? seconds.decimalValue() : new BigDecimal(seconds.asText());
    return value.movePointRight(9).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
  }
}
