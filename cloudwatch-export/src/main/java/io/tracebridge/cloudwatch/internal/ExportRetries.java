package io.tracebridge.cloudwatch.internal;

import io.tracebridge.aws.ApplicationRetries;
import io.tracebridge.aws.RetryCounter;
import io.tracebridge.aws.Sleeper;
import io.tracebridge.aws.TransportRetryLoop;
import io.tracebridge.aws.TransportRetryPolicy;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;

/**
 * The export's share of aws-support's one retry policy, and the one retry count over all of it:
 *
 * <ul>
 *   <li>X-Ray and CloudWatch Logs calls: the SDK's standard strategy ({@link #clientOverride()}),
 *       its retries counted by a {@link RetryCounter} on each client;
 *   <li>the OTLP endpoint (the JDK HTTP client, not the SDK): the same strategy driven by a {@link
 *       TransportRetryLoop} ({@link #otlpLoop()}), failures classified by {@link ExportException};
 *   <li>X-Ray's {@code UnprocessedTraceSegments}, which only we can resend: {@link #rounds()}.
 * </ul>
 *
 * Thread-safe.
 */
public final class ExportRetries {
  private final TransportRetryPolicy policy;
  private final Sleeper sleeper;
  private final LongAdder retries = new LongAdder();
  private final RetryCounter sdkRetries = new RetryCounter(retries::increment);
  private final ApplicationRetries rounds;

  /** @param sleeper waits of the loops we drive (the SDK sleeps its own) */
  public ExportRetries(TransportRetryPolicy policy, Sleeper sleeper) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.rounds = new ApplicationRetries(policy, sleeper, retries::increment);
  }

  public TransportRetryPolicy policy() {
    return policy;
  }

  /** The strategy and the retry counter, for an SDK client's {@code overrideConfiguration}. */
  public Consumer<ClientOverrideConfiguration.Builder> clientOverride() {
    return policy.clientOverride(sdkRetries);
  }

  /** Resends the application decides (unprocessed segments). */
  public ApplicationRetries rounds() {
    return rounds;
  }

  /** A loop for the OTLP endpoint: retryable {@link ExportException}s, honouring Retry-After. */
  public TransportRetryLoop otlpLoop() {
    return new TransportRetryLoop(policy,
        failure -> !ExportException.classify(failure).isPermanent(),
        failure -> ExportException.classify(failure).retryAfter(),
        sleeper, retries::increment);
  }

  /** Retries made so far: SDK retries of the clients, OTLP retries and resend rounds. */
  public long retries() {
    return retries.sum();
  }
}
