package io.tracebridge.mapper;

import java.util.List;

/**
 * What {@link SpanMapper} made of one export request.
 *
 * @param records the functional records, in no particular order
 * @param rejectedSpans how many spans could not be read at all (structurally invalid)
 * @param issues one entry per rejected span, plus soft issues with spans that were read
 */
public record MappingResult(
    List<FunctionalRecord> records, int rejectedSpans, List<MappingIssue> issues) {

  public MappingResult {
    records = List.copyOf(records);
    issues = List.copyOf(issues);
    if (rejectedSpans < 0) {
      throw new IllegalArgumentException("rejectedSpans must not be negative");
    }
  }
}
