package io.tracebridge.cloudwatch.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a call with {@link RetryPolicy}: a permanent failure ends at once, a retryable one is
 * retried after a jittered backoff until the attempts run out. Sleeps through the injected {@link
 * Sleeper}, so it must only run on the export's own worker threads, never on an event loop.
 * Thread-safe.
 */
public final class Retrier {
  /** Waits between attempts; tests inject one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final LongAdder retries = new LongAdder();

  public Retrier(RetryPolicy policy, Sleeper sleeper) {
    this.policy = policy;
    this.sleeper = sleeper;
  }

  public RetryPolicy policy() {
    return policy;
  }

  /** Retries made so far, over all calls. */
  public long retries() {
    return retries.sum();
  }

  /**
   * Calls {@code call} until it succeeds, fails permanently or runs out of attempts.
   *
   * @throws ExportException the classified last failure (also when interrupted while waiting,
   *     with the interrupt flag restored)
   */
  public <T> T call(Callable<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (Exception e) {
        ExportException failure = ExportException.classify(e);
        if (failure.isPermanent() || attempt >= policy.maxAttempts()) {
          throw failure;
        }
        retries.increment();
        pause(policy.delay(attempt, failure.retryAfter().orElse(Duration.ZERO), ThreadLocalRandom.current()::nextDouble), failure);
      }
    }
  }

  /** Waits before retry {@code retry} (1-based), for callers that retry part of a batch. */
  public void backoff(int retry, Duration retryAfter) {
    retries.increment();
    pause(policy.delay(retry, retryAfter, ThreadLocalRandom.current()::nextDouble), null);
  }

  private void pause(Duration delay, ExportException last) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ExportException.permanent("interrupted while waiting to retry", last);
    }
  }
}
