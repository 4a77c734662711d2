package io.tracebridge.receiver;

import io.tracebridge.mapper.MappingIssue;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one export stored and what it rejected, for the OTLP partial-success reply.
 *
 * @param storedRecords records written durably
 * @param rejectedSpans spans that could not be read and were dropped
 * @param issues why each rejected span was rejected, and softer problems with spans that were read
 */
public record ExportOutcome(int storedRecords, int rejectedSpans, List<MappingIssue> issues) {
  /** At most this many reasons are listed in a reply; the count is always exact. */
  static final int MAX_REASONS_IN_MESSAGE = 5;

  public ExportOutcome {
    issues = List.copyOf(issues);
  }

  static ExportOutcome empty() {
    return new ExportOutcome(0, 0, List.of());
  }

  /**
   * A partial-success error message naming the first few problems (OTLP allows a message with no
   * rejected spans, as a warning). Empty when there is nothing to say.
   */
  public String errorMessage() {
    if (issues.isEmpty()) {
      return "";
    }
    String reasons =
        issues.stream()
            .limit(MAX_REASONS_IN_MESSAGE)
            .map(i -> "span " + (i.spanId() == null ? "?" : i.spanId()) + ": " + i.reason())
            .collect(Collectors.joining("; "));
    String more = issues.size() > MAX_REASONS_IN_MESSAGE ? "; ..." : "";
    return rejectedSpans + " span(s) rejected; " + reasons + more;
  }
}
