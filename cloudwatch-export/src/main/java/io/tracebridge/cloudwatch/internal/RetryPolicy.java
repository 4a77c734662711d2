package io.tracebridge.cloudwatch.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the delay before retry {@code n} (1-based) is drawn uniformly
 * from {@code [base/2, base]} with {@code base = min(maxBackoff, initialBackoff * 2^(n-1))}
 * ("equal jitter"); a server's retry-after advice, when larger, wins up to {@code maxBackoff}.
 *
 * @param maxAttempts total attempts including the first, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** The delay before retry {@code retry} (1 for the first retry); {@code random} gives [0,1). */
  public Duration delay(int retry, Duration retryAfter, DoubleSupplier random) {
    long initial = initialBackoff.toMillis();
    long cap = maxBackoff.toMillis();
    long base = initial;
    for (int i = 1; i < retry && base < cap; i++) {
      base = base * 2;
    }
    base = Math.min(base, cap);
    long jittered = base / 2 + (long) (random.getAsDouble() * (base - base / 2 + 1));
    long advised = Math.min(retryAfter.toMillis(), cap);
    return Duration.ofMillis(Math.max(Math.min(jittered, cap), advised));
  }
}
