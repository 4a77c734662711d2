package io.tracebridge.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * {@link TransportRetryPolicy}'s strategy (the SDK's standard one) driven by hand, for an AWS
 * HTTP transport the SDK does not drive (the CloudWatch OTLP endpoint through the JDK client, say):
 * the same attempts, backoff and retry quota as an SDK client, through the retry strategy's public
 * token API. {@code transient} says which of the transport's own failures are worth a retry (the
 * SDK's conditions still apply to SDK exceptions); a server's retry-after advice, capped at the
 * policy's {@code maxBackoff}, wins when it is longer than the computed backoff.
 *
 * <p>Blocking: it sleeps through the {@link Sleeper}, so run it on worker threads only.
 * Thread-safe.
 */
public final class TransportRetryLoop {
  private final TransportRetryPolicy policy;
  private final RetryStrategy strategy;
  private final Function<Throwable, Optional<Duration>> retryAfter;
  private final Sleeper sleeper;
  private final Runnable onRetry;

  /**
   * @param isTransient true for a failure a retry may cure (AWS throttling, 408, 429, 5xx, I/O)
   * @param retryAfter the server's advice carried by a failure, if any
   * @param onRetry runs once per retry, before the wait
   */
  public TransportRetryLoop(
      TransportRetryPolicy policy, Predicate<Throwable> isTransient, Function<Throwable, Optional<Duration>> retryAfter,
      Sleeper sleeper, Runnable onRetry) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.strategy = policy.strategyBuilder().retryOnException(Objects.requireNonNull(isTransient, "isTransient")).build();
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.onRetry = Objects.requireNonNull(onRetry, "onRetry");
  }

  public TransportRetryPolicy policy() {
    return policy;
  }

  /**
   * Calls {@code call} until it succeeds, fails with a failure the strategy will not retry, or
   * runs out of attempts (or retry quota); then throws that last failure unchanged.
   *
   * @param scope the strategy's token scope (one quota per scope is not implied: the quota is the
   *     strategy's, shared by every call of this loop)
   * @throws InterruptedException when interrupted while waiting to retry (the interrupt flag is
   *     restored; the last failure is attached as suppressed)
   */
  public <T> T call(String scope, Callable<T> call) throws Exception {
    AcquireInitialTokenResponse initial = strategy.acquireInitialToken(AcquireInitialTokenRequest.create(scope));
    RetryToken token = initial.token();
    if (initial.delay().compareTo(Duration.ZERO) > 0) {
      pause(initial.delay(), null); // the standard strategy never delays a first attempt; adaptive may
    }
    while (true) {
      try {
        T result = call.call();
        strategy.recordSuccess(RecordSuccessRequest.create(token));
        return result;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw e;
      } catch (Exception failure) {
        RefreshRetryTokenResponse refreshed;
        try {
          Duration advised = retryAfter.apply(failure).map(d -> d.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : d)
              .orElse(Duration.ZERO);
          refreshed = strategy.refreshRetryToken(
              RefreshRetryTokenRequest.builder().token(token).failure(failure).suggestedDelay(advised).build());
        } catch (TokenAcquisitionFailedException noRetry) {
          throw failure;
        }
        token = refreshed.token();
        onRetry.run();
        pause(refreshed.delay(), failure);
      }
    }
  }

  private void pause(Duration delay, Exception last) throws InterruptedException {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (last != null) {
        e.addSuppressed(last);
      }
      throw e;
    }
  }
}
