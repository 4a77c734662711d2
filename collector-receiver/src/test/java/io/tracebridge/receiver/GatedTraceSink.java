package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.TraceSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A store that falls behind on command: every write waits until the test releases it. Counts
 * the writes it was given, so a test can tell which exports reached the store.
 */
public final class GatedTraceSink implements TraceSink {
  private final List<CompletableFuture<Void>> pending = new ArrayList<>();
  private int calls;

  @Override
  public synchronized CompletionStage<Void> accept(List<FunctionalRecord> records) {
    calls++;
    CompletableFuture<Void> done = new CompletableFuture<>();
    pending.add(done);
    notifyAll();
    return done;
  }

  /** Writes received since start. */
  public synchronized int calls() {
    return calls;
  }

  /** Waits (up to 30 s) until {@code n} writes have been received since start. */
  public synchronized void awaitCalls(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (calls < n && System.nanoTime() < deadline) {
      wait(100);
    }
    assertThat(calls).as("writes that reached the store").isGreaterThanOrEqualTo(n);
  }

  /** Completes every write held so far. */
  public void releaseAll() {
    List<CompletableFuture<Void>> held;
    synchronized (this) {
      held = List.copyOf(pending);
      pending.clear();
    }
    held.forEach(f -> f.complete(null));
  }
}
