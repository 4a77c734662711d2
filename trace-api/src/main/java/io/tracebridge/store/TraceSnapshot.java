package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanNode;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * What one strongly consistent read of a trace found ({@link TraceAssemblyStore#snapshot}).
 *
 * @param records the trace's stored records, in {@link FunctionalRecord#TIMELINE} order
 * @param spans the trace's stored span nodes by span id
 * @param passes how many assembly passes over the trace had finished when it was read ({@link
 *     TraceAssemblyStore#finishPass})
 * @param basis what else the store read in the same go, for its own use when the writer hands the
 *     snapshot back ({@link TraceAssemblyStore#write}, {@link TraceAssemblyStore#finishPass(String,
 *     String, TraceSnapshot)}): opaque to everyone else, and not part of equality; null if the
 *     store keeps nothing
 */
public record TraceSnapshot(
    List<FunctionalRecord> records, Map<String, SpanNode> spans, long passes, @Nullable Object basis) {
  public TraceSnapshot {
    records = List.copyOf(records);
    spans = Map.copyOf(spans);
  }

  /** Equal when records, spans and passes are: the store's basis is not what was read of the trace. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TraceSnapshot other && records.equals(other.records)
        && spans.equals(other.spans) && passes == other.passes;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(records, spans, passes);
  }

  /** A snapshot without a store basis. */
  public TraceSnapshot(List<FunctionalRecord> records, Map<String, SpanNode> spans, long passes) {
    this(records, spans, passes, null);
  }

  public static final TraceSnapshot EMPTY = new TraceSnapshot(List.of(), Map.of(), 0);
}
