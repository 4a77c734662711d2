package io.tracebridge.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries the application decides, not the transport: a call that succeeded but left work
 * undone (X-Ray's {@code UnprocessedTraceSegments}, DynamoDB's {@code UnprocessedItems}, a
 * {@code ConditionalCheckFailed} to re-read and re-decide, a transaction conflict). What to send
 * again is the caller's decision; this only bounds the loop and waits between rounds with the same
 * backoff and attempt count as {@link TransportRetryPolicy}, so a reader sees one policy and two
 * kinds of loop: the SDK's (transport, throttling) inside each call, and this one around calls.
 *
 * <p>Blocking: it sleeps through the {@link Sleeper}, so run it on worker threads only.
 * Thread-safe.
 */
public final class ApplicationRetries {
  private final TransportRetryPolicy policy;
  private final Sleeper sleeper;
  private final Runnable onRetry;

  /** @param onRetry runs once per round retried, before the wait (a retry counter, say) */
  public ApplicationRetries(TransportRetryPolicy policy, Sleeper sleeper, Runnable onRetry) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.onRetry = Objects.requireNonNull(onRetry, "onRetry");
  }

  public TransportRetryPolicy policy() {
    return policy;
  }

  /** Rounds per operation, the first included. */
  public int maxAttempts() {
    return policy.maxAttempts();
  }

  /** True when round {@code attempt} (1-based) was the last one allowed. */
  public boolean exhausted(int attempt) {
    return attempt >= policy.maxAttempts();
  }

  /** The wait after failed round {@code attempt} (1-based), from the policy's backoff. */
  public Duration delay(int attempt) {
    return policy.delayBeforeRetry(attempt);
  }

  /**
   * Counts a retry and waits before round {@code attempt + 1}.
   *
   * @throws InterruptedException when interrupted while waiting (the interrupt flag is restored)
   */
  public void backoff(int attempt) throws InterruptedException {
    onRetry.run();
    try {
      sleeper.sleep(delay(attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    }
  }
}
