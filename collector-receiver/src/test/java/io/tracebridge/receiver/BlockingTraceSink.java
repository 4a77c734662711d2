package io.tracebridge.receiver;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.TraceSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A sink whose writes complete only when the test says so; counts calls with a latch. */
public final class BlockingTraceSink implements TraceSink {
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final CountDownLatch called = new CountDownLatch(1);

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    called.countDown();
    return done;
  }

  public boolean awaitCalled() throws InterruptedException {
    return called.await(10, TimeUnit.SECONDS);
  }

  public void release() {
    done.complete(null);
  }
}
