package io.tracebridge.cloudwatch.logs;

import io.tracebridge.genai.TraceBridgeKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * One forwarded OTLP log record (ADOT content logs, GenAI events, the runtime's hook-event
 * records) as one CloudWatch Logs event in the shape the CloudWatch OTLP logs endpoint stores and
 * AgentCore writes to an agent's log group: {@code {resource:{attributes}, scope:{name,version},
 * timeUnixNano, observedTimeUnixNano, severityNumber, severityText, body, attributes, flags,
 * traceId, spanId}} ({@code eventName} when set), ids in W3C hex, the tenant added as attribute
 * {@code tenant}. The event's timestamp is the record's time, else its observed time, else
 * {@code nowMillis}.
 *
 * <p>An event over {@code maxMessageBytes} keeps its shape: its longest strings (body first, then
 * attributes) are cut just enough with {@code …[truncated N bytes]}, and the attributes say
 * {@code tracebridge.truncated: true} and {@code tracebridge.original_bytes}. Immutable.
 */
public final class LogRecordMapper {
  private final int maxMessageBytes;

  public LogRecordMapper(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  public LogRecordMapper() {
    this(LogEventBatcher.MAX_MESSAGE_BYTES);
  }

  /** The event of one record. */
  public LogEvent event(Resource resource, InstrumentationScope scope, LogRecord record, @Nullable String tenant,
      long nowMillis) {
    ObjectNode json = SegmentJson.mapper().createObjectNode();
    json.putObject("resource").set("attributes", attributes(resource.getAttributesList()));
    ObjectNode scopeNode = json.putObject("scope");
    if (!scope.getName().isEmpty()) {
      scopeNode.put("name", scope.getName());
    }
    if (!scope.getVersion().isEmpty()) {
      scopeNode.put("version", scope.getVersion());
    }
    long time = record.getTimeUnixNano() != 0 ? record.getTimeUnixNano() : record.getObservedTimeUnixNano();
    json.put("timeUnixNano", time);
    if (record.getObservedTimeUnixNano() != 0) {
      json.put("observedTimeUnixNano", record.getObservedTimeUnixNano());
    }
    json.put("severityNumber", record.getSeverityNumberValue());
    json.put("severityText", record.getSeverityText());
    if (!record.getEventName().isEmpty()) {
      json.put("eventName", record.getEventName());
    }
    if (record.hasBody()) {
      json.set("body", SegmentJson.mapper().valueToTree(Attrs.toJava(record.getBody())));
    }
    ObjectNode attributes = attributes(record.getAttributesList());
    if (tenant != null) {
      attributes.put("tenant", tenant);
    }
    json.set("attributes", attributes);
    if (record.getFlags() != 0) {
      json.put("flags", record.getFlags());
    }
    if (Attrs.validId(record.getTraceId(), 16)) {
      json.put("traceId", Attrs.hex(record.getTraceId()));
    }
    if (Attrs.validId(record.getSpanId(), 8)) {
      json.put("spanId", Attrs.hex(record.getSpanId()));
    }
    long millis = time != 0 ? time / 1_000_000L : nowMillis;
    String message = SegmentJson.write(json);
    int original = message.getBytes(StandardCharsets.UTF_8).length;
    if (original <= maxMessageBytes) {
      return new LogEvent(millis, message);
    }
    attributes.put(TraceBridgeKeys.TRUNCATED, true).put(TraceBridgeKeys.ORIGINAL_BYTES, original);
    List<JsonNode> roots = new ArrayList<>();
    if (json.has("body")) {
      roots.add(json.get("body"));
    }
    roots.add(attributes);
    return new LogEvent(millis, JsonFit.fit(json, roots, maxMessageBytes), true);
  }

  private static ObjectNode attributes(List<KeyValue> list) {
    ObjectNode node = SegmentJson.mapper().createObjectNode();
    for (KeyValue kv : list) {
      node.set(kv.getKey(), SegmentJson.mapper().valueToTree(Attrs.toJava(kv.getValue())));
    }
    return node;
  }
}
