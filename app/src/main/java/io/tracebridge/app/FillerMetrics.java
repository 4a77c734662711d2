package io.tracebridge.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tracebridge.store.assembly.TraceContextFiller;
import java.util.function.ToDoubleFunction;

/**
 * Binds the trace context filler's counters to the process's registry as function counters, so
 * {@code GET /metrics} shows them: {@code tracebridge_filler_passes_total} (passes over a trace,
 * one per export and trace, more when run again), {@code tracebridge_filler_passes_repeated_total}
 * (passes run again because another pass over the same trace finished meanwhile), {@code
 * tracebridge_filler_records_written_total} (records the passes wrote), {@code
 * tracebridge_filler_records_filled_total} (stored records written again with context that
 * arrived later: agent, session, a hook copy folded in) and {@code
 * tracebridge_filler_records_removed_total} (stored records removed as superseded).
 */
final class FillerMetrics {
  private FillerMetrics() {}

  static void bind(TraceContextFiller filler, MeterRegistry registry) {
    counter(registry, filler, "tracebridge.filler.passes", "passes over a trace (export and trace)",
        TraceContextFiller::passes);
    counter(registry, filler, "tracebridge.filler.passes.repeated",
        "passes run again because another pass over the trace finished meanwhile",
        TraceContextFiller::repeatedPasses);
    counter(registry, filler, "tracebridge.filler.records.written", "records the passes wrote",
        TraceContextFiller::recordsWritten);
    counter(registry, filler, "tracebridge.filler.records.filled",
        "stored records written again with context that arrived later", TraceContextFiller::rewritten);
    counter(registry, filler, "tracebridge.filler.records.removed",
        "stored records removed as superseded by another record", TraceContextFiller::removed);
  }

  private static void counter(MeterRegistry registry, TraceContextFiller filler, String name,
      String description, ToDoubleFunction<TraceContextFiller> value) {
    FunctionCounter.builder(name, filler, value).description("trace context filler: " + description)
        .register(registry);
  }
}
