package io.tracebridge.cwimport;

import io.tracebridge.mapper.Usage;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one import run did.
 *
 * @param runs traces (runs) imported: with at least one span or log record handed to the receiver path
 * @param spans spans handed to the receiver path
 * @param logRecords log records handed to the receiver path
 * @param recordsWritten records the exports stored (rewrites of a record included)
 * @param recordsInStore records the store holds for the imported runs at the end
 * @param usage token usage of the imported runs as billing counts it (each model call once)
 * @param skipped items not imported, by reason
 * @param pages pages of CloudWatch / X-Ray results processed in this run
 * @param resumed whether this run continued from a checkpoint
 */
public record ImportSummary(long runs, long spans, long logRecords, long recordsWritten, long recordsInStore,
    Usage usage, Map<String, Long> skipped, long pages, boolean resumed) {
  public ImportSummary {
    skipped = Map.copyOf(skipped);
  }

  /** Skipped items in total. */
  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The summary as printed at the end of {@code tracebridge import cloudwatch}. */
  public String render() {
    StringBuilder s = new StringBuilder();
    s.append(String.format("import: %s%d page(s): %,d run(s), %,d span(s), %,d log record(s)%n",
        resumed ? "resumed from checkpoint, " : "", pages, runs, spans, logRecords));
    s.append(String.format("import: records: %,d written, %,d in the store for these runs%n", recordsWritten, recordsInStore));
    s.append(String.format("import: usage: %,d input (%,d cache read, %,d cache write), %,d output, %,d reasoning tokens%n",
        usage.inputTokens(), usage.cacheReadTokens(), usage.cacheWriteTokens(), usage.outputTokens(), usage.reasoningTokens()));
    if (skipped.isEmpty()) {
      s.append("import: skipped: none\n");
    } else {
      s.append(String.format("import: skipped: %,d%n", skippedTotal()));
      new TreeMap<>(skipped).forEach((reason, n) -> s.append(String.format("import:   %,d  %s%n", n, reason)));
    }
    return s.toString();
  }
}
