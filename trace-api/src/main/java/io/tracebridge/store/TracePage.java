package io.tracebridge.store;

import java.util.List;
import javax.annotation.Nullable;

/** One page of trace summaries; {@code nextCursor} is null on the last page. */
public record TracePage(List<TraceSummary> traces, @Nullable String nextCursor) {
  public TracePage {
    traces = List.copyOf(traces);
  }
}
