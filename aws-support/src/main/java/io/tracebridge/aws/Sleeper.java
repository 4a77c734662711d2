package io.tracebridge.aws;

import java.time.Duration;

/** Waits between attempts of a loop we drive; tests pass one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  /** {@link Thread#sleep}: blocks the calling thread, so never on an event loop. */
  Sleeper THREAD = d -> {
    if (!d.isZero() && !d.isNegative()) {
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }
  };

  void sleep(Duration duration) throws InterruptedException;
}
