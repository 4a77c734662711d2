package io.tracebridge.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * THE retry policy for transport and throttling failures of AWS calls (connection errors,
 * timeouts, 5xx, {@code ThrottlingException} and the other throttling codes): the AWS SDK's
 * standard retry strategy ({@link AwsRetryStrategy#standardRetryStrategy()}, with its retry
 * conditions and its retry-quota circuit breaker), given our attempts and backoff. Which failures
 * are transient is the SDK's decision, never ours.
 *
 * <p>The backoff before retry {@code n} (1 after the first failure) is drawn uniformly from {@code
 * [d/2, d]} with {@code d = min(maxBackoff, baseDelay * 2^(n-1))} ("half jitter", {@link
 * BackoffStrategy#exponentialDelayHalfJitter}), for throttling and other failures alike; a
 * server's retry-after advice, when larger, wins (see {@link TransportRetryLoop}).
 *
 * <p>What the application must decide itself (a conditional check that failed, unprocessed items
 * of a batch, log events the service rejected, a transaction conflict) is not a transport failure
 * and is not retried here: see {@link ApplicationRetries}.
 *
 * @param maxAttempts attempts per call, the first included; 1 means no retry ({@link #NO_RETRY})
 * @param baseDelay the backoff before the first retry (upper bound of its jitter)
 * @param maxBackoff the most any one backoff waits
 */
public record TransportRetryPolicy(int maxAttempts, Duration baseDelay, Duration maxBackoff) {
  /**
   * No retry at all ({@link AwsRetryStrategy#doNotRetry()}): for callers that deliberately try
   * once, such as a probe, or a store whose caller already owns a loop around every call.
   */
  public static final TransportRetryPolicy NO_RETRY = new TransportRetryPolicy(1, Duration.ZERO, Duration.ZERO);

  /** The SDK's own standard-mode figures: 3 attempts, 100 ms base, 20 s cap. */
  public static final TransportRetryPolicy SDK_STANDARD =
      new TransportRetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(20));

  public TransportRetryPolicy {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (baseDelay.isNegative() || maxBackoff.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= baseDelay <= maxBackoff, got " + baseDelay + " and " + maxBackoff);
    }
  }

  /** This policy with {@code attempts} attempts per call. */
  public TransportRetryPolicy withMaxAttempts(int attempts) {
    return new TransportRetryPolicy(attempts, baseDelay, maxBackoff);
  }

  /** True unless this is a single attempt. */
  public boolean retries() {
    return maxAttempts > 1;
  }

  /**
   * The backoff between attempts. As the SDK calls it, {@link BackoffStrategy#computeDelay} takes
   * the attempt about to be made: 2 for the first retry ({@link #delayBeforeRetry} counts retries).
   */
  public BackoffStrategy backoff() {
    if (baseDelay.isZero()) {
      return BackoffStrategy.retryImmediately();
    }
    return BackoffStrategy.exponentialDelayHalfJitter(baseDelay, maxBackoff);
  }

  /** The wait before retry {@code retry} (1 for the first retry, after the first attempt failed). */
  public Duration delayBeforeRetry(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry is 1-based: " + retry);
    }
    return backoff().computeDelay(retry + 1);
  }

  /**
   * The SDK's standard strategy with this policy's attempts and backoff, for adding retry
   * conditions ({@code retryOnException}) of a transport the SDK does not drive.
   */
  public StandardRetryStrategy.Builder strategyBuilder() {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(maxAttempts)
        .backoffStrategy(backoff())
        .throttlingBackoffStrategy(backoff());
  }

  /**
   * The strategy for an SDK client ({@code ClientOverrideConfiguration.Builder#retryStrategy}):
   * {@link AwsRetryStrategy#doNotRetry()} for a single attempt, else the standard strategy. A new
   * instance per call (each holds its own retry quota): build one per client.
   */
  public RetryStrategy strategy() {
    return retries() ? strategyBuilder().build() : AwsRetryStrategy.doNotRetry();
  }

  /**
   * For {@code SdkClient.builder().overrideConfiguration(...)}: this policy's strategy and the
   * given interceptors (such as a {@link RetryCounter}).
   */
  public Consumer<ClientOverrideConfiguration.Builder> clientOverride(ExecutionInterceptor... interceptors) {
    return o -> {
      o.retryStrategy(strategy());
      for (ExecutionInterceptor interceptor : interceptors) {
        o.addExecutionInterceptor(interceptor);
      }
    };
  }

  /** {@link #clientOverride} as a built configuration. */
  public ClientOverrideConfiguration clientOverrideConfiguration(ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder b = ClientOverrideConfiguration.builder();
    clientOverride(interceptors).accept(b);
    return b.build();
  }
}
