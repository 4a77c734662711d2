package io.tracebridge.cloudwatch.xray.translator;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.xray.Segment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps span events, which the collector drops, as metadata: every event except {@code
 * exception} (that one is the {@code cause}) becomes {@code {name, time, attributes}} in the
 * list {@code metadata.otel.events}, in span order. This is where GenAI content lives in Strands
 * spans ({@code gen_ai.user.message}, {@code gen_ai.choice}, the {@code
 * gen_ai.client.inference.operation.details} event) and in the runtime's hook events, so it
 * reaches X-Ray, unless span content is off ({@code ContentAttributes} then removed those event
 * attributes before translation, and the events keep their names and times); {@code
 * SegmentTrimmer} shortens it first when a document would pass 64 KB.
 */
final class EventsMapper {
  private EventsMapper() {}

  static List<Map<String, Object>> events(Span span) {
    List<Map<String, Object>> events = new ArrayList<>();
    for (Span.Event event : span.getEventsList()) {
      if (CauseMapper.EXCEPTION_EVENT.equals(event.getName())) {
        continue;
      }
      Map<String, Object> attributes = new LinkedHashMap<>();
      for (KeyValue kv : event.getAttributesList()) {
        attributes.put(kv.getKey(), Attrs.toJava(kv.getValue()));
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", event.getName());
      entry.put("time", Segment.seconds(event.getTimeUnixNano()));
      if (!attributes.isEmpty()) {
        entry.put("attributes", attributes);
      }
      events.add(entry);
    }
    return events;
  }
}
