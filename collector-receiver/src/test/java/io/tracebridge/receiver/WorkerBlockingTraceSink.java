package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.TraceSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store whose writes hold the calling thread until the test releases them: it occupies the
 * receiver's decode-and-map workers, so that later exports queue behind them. Counts writes.
 */
public final class WorkerBlockingTraceSink implements TraceSink {
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger calls = new AtomicInteger();

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    calls.incrementAndGet();
    try {
      released.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return CompletableFuture.completedFuture(null);
  }

  public int calls() {
    return calls.get();
  }

  /** Waits (up to 30 s) until {@code n} writes are being held. */
  public void awaitCalls(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (calls.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(calls.get()).as("writes that reached the store").isGreaterThanOrEqualTo(n);
  }

  public void release() {
    released.countDown();
  }
}
