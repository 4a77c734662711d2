package io.tracebridge.aws;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the retries the SDK's retry strategy makes: an {@link ExecutionInterceptor} that sees
 * each attempt of a call go out ({@code beforeTransmission} runs once per attempt) and counts
 * every attempt after the first. Register it on the client together with the strategy ({@link
 * TransportRetryPolicy#clientOverride}), so a retry metric stays true now that the SDK retries.
 * Thread-safe; one instance may serve several clients.
 */
public final class RetryCounter implements ExecutionInterceptor {
  private static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("tracebridge.RetryCounter.attempts");

  private final LongAdder retries = new LongAdder();
  private final Runnable onRetry;

  public RetryCounter() {
    this(() -> { });
  }

  /** {@code onRetry} runs once per retry, on the calling thread, before the retry is sent. */
  public RetryCounter(Runnable onRetry) {
    this.onRetry = Objects.requireNonNull(onRetry, "onRetry");
  }

  /** Retries seen so far, over all calls of all clients this counter is registered on. */
  public long retries() {
    return retries.sum();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(ATTEMPTS, new AtomicInteger());
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
    if (attempts != null && attempts.incrementAndGet() > 1) {
      retries.increment();
      onRetry.run();
    }
  }
}
