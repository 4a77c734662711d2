package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tracebridge.mapper.MappingIssue;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one export stored and what it rejected, for the OTLP partial-success reply.
 *
 * @param signal whether the export carried spans or log records (names the rejected items)
 * @param storedRecords records written durably
 * @param rejected spans (or log records) that could not be read and were dropped: the reply's
 *     {@code rejected_spans} or {@code rejected_log_records}
 * @param issues why each rejected item was rejected, and softer problems with items that were read
 */
public record ExportOutcome(
    Signal signal, int storedRecords, int rejected, List<MappingIssue> issues) {
  /** At most this many reasons are listed in a reply; the count is always exact. */
  static final int MAX_REASONS_IN_MESSAGE = 5;

  /** The OTLP signal of an export. */
  public enum Signal {
    TRACES("span"),
    LOGS("log record");

    private final String item;

    Signal(String item) {
      this.item = item;
    }

    /** What one item of this signal is called in a reply ("span", "log record"). */
    public String item() {
      return item;
    }
  }

  public ExportOutcome {
    issues = List.copyOf(issues);
    if (rejected < 0 || storedRecords < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }

  static ExportOutcome empty(Signal signal) {
    return new ExportOutcome(signal, 0, 0, List.of());
  }

  /**
   * A partial-success error message naming the first few problems (OTLP allows a message with no
   * rejected items, as a warning). Empty when there is nothing to say. Never contains attribute
   * values (the mapper's issues do not, but for the number of a token count out of range).
   */
  public String errorMessage() {
    if (issues.isEmpty()) {
      return "";
    }
    String reasons =
        issues.stream()
            .limit(MAX_REASONS_IN_MESSAGE)
            .map(i -> signal.item() + " " + (i.spanId() == null ? "?" : i.spanId()) + ": "
                + i.reason())
            .collect(Collectors.joining("; "));
    String more = issues.size() > MAX_REASONS_IN_MESSAGE ? "; ..." : "";
    return rejected + " " + signal.item() + "(s) rejected; " + reasons + more;
  }

  /**
   * The OTLP traces reply: {@code partial_success} set only when something was rejected or there
   * is a warning (an empty reply means full success).
   */
  public ExportTraceServiceResponse toTracesResponse() {
    ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
    String message = errorMessage();
    if (rejected > 0 || !message.isEmpty()) {
      response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
          .setRejectedSpans(rejected)
          .setErrorMessage(message));
    }
    return response.build();
  }

  /** The OTLP logs reply, as {@link #toTracesResponse()} with {@code rejected_log_records}. */
  public ExportLogsServiceResponse toLogsResponse() {
    ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
    String message = errorMessage();
    if (rejected > 0 || !message.isEmpty()) {
      response.setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
          .setRejectedLogRecords(rejected)
          .setErrorMessage(message));
    }
    return response.build();
  }
}
