package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Combines sinks, as OpenTelemetry's {@code SpanExporter.composite} does for exporters. */
public final class TraceSinks {
  private static final TraceSink NOOP = records -> CompletableFuture.completedFuture(null);

  private TraceSinks() {}

  /**
   * A sink that hands every batch to each of {@code sinks}: no-op for none, the sink itself for
   * one. Every sink is called even when another fails; the result fails with the first failure
   * and carries the others as suppressed exceptions.
   */
  public static TraceSink composite(List<TraceSink> sinks) {
    if (sinks.isEmpty()) {
      return NOOP;
    }
    if (sinks.size() == 1) {
      return sinks.get(0);
    }
    List<TraceSink> all = List.copyOf(sinks);
    return new TraceSink() {
      @Override
      public CompletionStage<Void> accept(List<FunctionalRecord> records) {
        return allOf(all.stream().map(s -> s.accept(records)).toList());
      }

      @Override
      public CompletionStage<Void> shutdown() {
        return allOf(all.stream().map(TraceSink::shutdown).toList());
      }
    };
  }

  public static TraceSink composite(TraceSink... sinks) {
    return composite(List.of(sinks));
  }

  private static CompletionStage<Void> allOf(List<CompletionStage<Void>> stages) {
    CompletableFuture<?>[] futures =
        stages.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(futures)
        .handle(
            (ok, ignored) -> {
              List<Throwable> failures = new ArrayList<>();
              for (CompletableFuture<?> f : futures) {
                if (f.isCompletedExceptionally()) {
                  try {
                    f.join();
                  } catch (RuntimeException e) {
                    failures.add(e.getCause() != null ? e.getCause() : e);
                  }
                }
              }
              if (failures.isEmpty()) {
                return null;
              }
              Throwable first = failures.get(0);
              failures.subList(1, failures.size()).forEach(first::addSuppressed);
              throw first instanceof RuntimeException re ? re : new StoreException(
                  first.getMessage(), true, first);
            });
  }
}
