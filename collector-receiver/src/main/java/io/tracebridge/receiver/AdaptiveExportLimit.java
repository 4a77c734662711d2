package io.tracebridge.receiver;

/**
 * How many exports may be in flight now: an additive-increase, multiplicative-decrease bound
 * between 1 and a maximum, driven by how long admitted exports take (as TCP's congestion window,
 * or Netflix's concurrency-limits).
 *
 * <p>Why: a fixed bound does not say whether the store keeps up. With 64 exports admitted and a
 * store that serves a few per second, every admitted export waits past the senders' time-out
 * and the store then writes for senders that gave up. Here an export that took longer than the
 * target (or failed because the store was busy) shrinks the bound by 10 %; one within the target
 * grows it by {@code 1 / bound} (about one per round of exports), back up to the maximum. Under
 * overload the bound settles where exports take about the target, so the store stays busy
 * (goodput) and the excess is refused at once instead of queueing. Thread-safe.
 */
final class AdaptiveExportLimit {
  private static final double DECREASE = 0.9;

  private final int max;
  private final long targetNanos;
  private double limit;
  private int inFlight;

  AdaptiveExportLimit(int max, long targetNanos) {
    this.max = max;
    this.targetNanos = targetNanos;
    this.limit = max;
  }

  /** Takes a slot if fewer than the current bound are in flight. */
  synchronized boolean tryAcquire() {
    if (inFlight >= (int) limit) {
      return false;
    }
    inFlight++;
    return true;
  }

  /**
   * Gives a slot back.
   *
   * @param elapsedNanos how long the export took from admission to completion
   * @param storeBusy whether it failed because the store is busy (a retryable store failure)
   */
  synchronized void release(long elapsedNanos, boolean storeBusy) {
    inFlight--;
    if (storeBusy || elapsedNanos > targetNanos) {
      limit = Math.max(1, limit * DECREASE);
    } else {
      limit = Math.min(max, limit + 1 / limit);
    }
  }

  /** The bound in force now. */
  synchronized int limit() {
    return (int) limit;
  }

  synchronized int inFlight() {
    return inFlight;
  }
}
