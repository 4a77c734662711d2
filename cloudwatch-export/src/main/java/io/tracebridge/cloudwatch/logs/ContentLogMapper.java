package io.tracebridge.cloudwatch.logs;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.TraceBridgeKeys;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * One {@link ContentLogRecord} per span that carries prompt or completion content ({@link
 * GenAiContent}), as a log event stamped with the span's end time. Spans without content give
 * none.
 *
 * <p>An event that would pass {@code maxMessageBytes} keeps its shape: the longest contents are
 * cut, each just enough, ending in {@code …[truncated N bytes]} (N its original size), until it fits, and the attributes say
 * {@code tracebridge.truncated: true} with {@code tracebridge.original_bytes}. Immutable.
 */
public final class ContentLogMapper {
  private final int maxMessageBytes;

  public ContentLogMapper(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  public ContentLogMapper() {
    this(LogEventBatcher.MAX_MESSAGE_BYTES);
  }

  /** The record of a span, or empty when the span carries no content. */
  public Optional<ContentLogRecord> record(SpanInput input, @Nullable String tenant) {
    GenAiContent.Content content = GenAiContent.extract(input.span());
    if (content.isEmpty()) {
      return Optional.empty();
    }
    Map<String, AnyValue> spanAttributes = Attrs.toMap(input.span().getAttributesList());
    Map<String, Object> attributes = new LinkedHashMap<>();
    String scopeName = input.scope().getName();
    attributes.put(GenAi.EVENT_NAME, scopeName.isEmpty() ? "tracebridge" : scopeName);
    Attrs.firstString(spanAttributes, GenAi.SESSION_ID).ifPresent(s -> attributes.put(GenAi.SESSION_ID, s));
    if (tenant != null) {
      attributes.put("tenant", tenant);
    }
    Map<String, Object> resource = new LinkedHashMap<>();
    input.resourceAttributes().forEach((k, v) -> resource.put(k, Attrs.toJava(v)));
    return Optional.of(new ContentLogRecord(
        new ContentLogRecord.Resource(resource),
        new ContentLogRecord.Scope(scopeName, input.scope().getVersion()),
        input.span().getEndTimeUnixNano(),
        ContentLogRecord.SEVERITY_INFO,
        "INFO",
        new ContentLogRecord.Body(
            new ContentLogRecord.Messages(toRecord(content.input())),
            new ContentLogRecord.Messages(toRecord(content.output()))),
        attributes,
        Attrs.hex(input.span().getTraceId()),
        Attrs.hex(input.span().getSpanId())));
  }

  /** The log event of a span, within the size limit, or empty when the span has no content. */
  public Optional<LogEvent> event(SpanInput input, @Nullable String tenant) {
    return record(input, tenant).map(this::fit);
  }

  private LogEvent fit(ContentLogRecord record) {
    long millis = record.timeUnixNano() / 1_000_000L;
    String json = SegmentJson.write(record);
    int original = json.getBytes(StandardCharsets.UTF_8).length;
    if (original <= maxMessageBytes) {
      return new LogEvent(millis, json);
    }
    ObjectNode tree = SegmentJson.mapper().valueToTree(record);
    ((ObjectNode) tree.get("attributes")).put(TraceBridgeKeys.TRUNCATED, true).put(TraceBridgeKeys.ORIGINAL_BYTES, original);
    // The longest contents are cut, each only as much as needed: no fixed preview length.
    String trimmed = JsonFit.fit(tree, List.of(tree.get("body")), maxMessageBytes);
    // LogEventBatcher cuts the raw message as a last resort if it is still too large.
    return new LogEvent(millis, trimmed, true);
  }

  private static List<ContentLogRecord.Message> toRecord(List<GenAiContent.Message> messages) {
    return messages.stream().map(m -> new ContentLogRecord.Message(m.role(), m.content())).toList();
  }
}
