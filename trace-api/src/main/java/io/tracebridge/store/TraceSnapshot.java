package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanNode;
import java.util.List;
import java.util.Map;

/**
 * What one strongly consistent read of a trace found ({@link TraceAssemblyStore#snapshot}).
 *
 * @param records the trace's stored records, in {@link FunctionalRecord#TIMELINE} order
 * @param spans the trace's stored span nodes by span id
 * @param passes how many assembly passes over the trace had finished when it was read ({@link
 *     TraceAssemblyStore#finishPass})
 */
public record TraceSnapshot(List<FunctionalRecord> records, Map<String, SpanNode> spans, long passes) {
  public TraceSnapshot {
    records = List.copyOf(records);
    spans = Map.copyOf(spans);
  }

  public static final TraceSnapshot EMPTY = new TraceSnapshot(List.of(), Map.of(), 0);
}
