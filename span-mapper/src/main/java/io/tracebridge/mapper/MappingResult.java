package io.tracebridge.mapper;

import java.util.List;

/**
 * What {@link SpanMapper} made of one export request.
 *
 * @param records the functional records, in no particular order; within the request each trace's
 *     records are already {@link TraceAssembly assembled} (hook copies folded into the native
 *     steps they describe, agent and session taken from the nearest ancestor in the request)
 * @param rejectedSpans how many spans could not be read at all (structurally invalid)
 * @param issues one entry per rejected span, plus soft issues with spans that were read
 * @param spans one {@link SpanNode} per readable span of the request (none for log records), in
 *     request order: the topology a receiver keeps to {@link TraceAssembly#assemble assemble} a
 *     trace across exports
 */
public record MappingResult(
    List<FunctionalRecord> records, int rejectedSpans, List<MappingIssue> issues,
    List<SpanNode> spans) {

  public MappingResult {
    records = List.copyOf(records);
    issues = List.copyOf(issues);
    spans = List.copyOf(spans);
    if (rejectedSpans < 0) {
      throw new IllegalArgumentException("rejectedSpans must not be negative");
    }
  }

  /** A result without span topology (log records, or a request with no readable span). */
  public MappingResult(List<FunctionalRecord> records, int rejectedSpans, List<MappingIssue> issues) {
    this(records, rejectedSpans, issues, List.of());
  }
}
