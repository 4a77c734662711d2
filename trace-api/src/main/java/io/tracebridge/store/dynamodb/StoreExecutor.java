package io.tracebridge.store.dynamodb;

import io.tracebridge.aws.ApplicationRetries;
import io.tracebridge.aws.Sleeper;
import io.tracebridge.aws.TransportRetryPolicy;
import io.tracebridge.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;

/**
 * Where the store's DynamoDB calls run and how their failures are judged: a fixed-size pool of
 * named daemon threads ({@code tracebridge-dynamodb-N-M}) with a bounded queue ({@link #submit}:
 * a full queue fails at once, retryably), the loops the application decides ({@link #retrying},
 * {@link #backOff}: aws-support's one policy, {@link TransportRetryPolicy}, with {@link
 * DynamoDbStoreConfig#maxRetries()} and its backoff) and the classification of SDK failures into
 * retryable and permanent {@link StoreException}s. Transport failures are the client's to retry
 * (the SDK's standard strategy) when it does; on a client with retries off, {@link #retrying}
 * retries them with the same policy. Thread-safe.
 */
final class StoreExecutor {
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final DynamoDbStoreConfig config;
  private final DynamoDbStoreStats stats;
  private final ThreadPoolExecutor pool;
  private final int poolId = POOL_IDS.incrementAndGet();
  private final TransportRetryPolicy policy;
  private final ApplicationRetries rounds;
  private final boolean clientRetries;

  /**
   * @param clientRetries whether the client retries transport failures itself (the SDK's
   *     standard strategy, {@link ClientFactory#retriesTransport}): then {@link #retrying} leaves
   *     them to it and loops only on what the application decides
   */
  StoreExecutor(DynamoDbStoreConfig config, DynamoDbStoreStats stats, boolean clientRetries) {
    this.config = config;
    this.stats = stats;
    this.policy = ClientFactory.policy(config);
    this.rounds = new ApplicationRetries(policy, Sleeper.THREAD, stats.retries::incrementAndGet);
    this.clientRetries = clientRetries;
    AtomicInteger threadIds = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            config.writeThreads(), config.writeThreads(), 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(config.queueCapacity()),
            r -> {
              Thread t = new Thread(
                  r, "tracebridge-dynamodb-" + poolId + "-" + threadIds.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The number of this store's pool, shared by its other threads' names. */
  int poolId() {
    return poolId;
  }

  /** Runs {@code task} on the pool; the stage fails with a {@link StoreException}. */
  <T> CompletableFuture<T> submit(String operation, Callable<T> task) {
    Operation<T> op = new Operation<>(operation, task);
    try {
      pool.execute(op);
    } catch (RejectedExecutionException e) {
      op.result.completeExceptionally(
          pool.isShutdown()
              ? new StoreException("DynamoDB trace store is shut down", false)
              : new StoreException(
                  "DynamoDB trace store is busy: " + config.queueCapacity()
                      + " operations already queued", true));
    }
    return op.result;
  }

  /** Stops taking work and waits up to {@code timeout}; then abandons what never ran. */
  void shutdown(Duration timeout) throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      pool.shutdownNow().forEach(r -> ((Operation<?>) r).abandon());
    }
  }

  /** Stops at once (a store that failed to start). */
  void shutdownNow() {
    pool.shutdownNow();
  }

  /**
   * Runs {@code call}, retrying retryable failures with backoff up to maxRetries: a retryable
   * {@link StoreException} (an application decision, such as a record that kept changing) always;
   * a transport failure ({@link SdkException}) only when the client does not retry those itself
   * (its own retries, the SDK's standard strategy, already ran out).
   */
  <T> T retrying(String operation, Callable<T> call) {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.call();
      } catch (SdkException e) {
        StoreException failure = classify(operation, e);
        if (!failure.retryable() || clientRetries || attempt >= config.maxRetries()) {
          throw failure;
        }
      } catch (StoreException e) {
        if (!e.retryable() || attempt >= config.maxRetries()) {
          throw e;
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new StoreException("DynamoDB " + operation + " failed: " + e, false, e);
      }
      backOff(attempt);
    }
  }

  /** Whether SDK failures are left to the client's own retry strategy. */
  boolean clientRetries() {
    return clientRetries;
  }

  /**
   * Counts a retry and sleeps before retry {@code attempt + 1} (0: the first retry) of a loop the
   * application decides, with the policy's backoff ({@link ApplicationRetries}).
   */
  void backOff(int attempt) {
    try {
      rounds.backoff(attempt + 1);
    } catch (InterruptedException e) {
      throw new StoreException("interrupted while waiting to retry", true, e);
    }
  }

  /**
   * The backoff before retry {@code attempt + 1}: {@link TransportRetryPolicy}'s "half jitter", a
   * random delay in [d/2, d], d = min(maxBackoff, initialBackoff * 2^attempt).
   */
  Duration backoff(int attempt) {
    return policy.delayBeforeRetry(attempt + 1);
  }

  /** A pool task that completes its future with the result or a {@link StoreException}. */
  private static final class Operation<T> implements Runnable {
    final String name;
    final Callable<T> task;
    final CompletableFuture<T> result = new CompletableFuture<>();

    Operation(String name, Callable<T> task) {
      this.name = name;
      this.task = task;
    }

    @Override
    public void run() {
      try {
        result.complete(task.call());
      } catch (Exception e) {
        result.completeExceptionally(toStoreException(name, e));
      } catch (Error e) {
        result.completeExceptionally(e);
        throw e;
      }
    }

    void abandon() {
      result.completeExceptionally(
          new StoreException("DynamoDB trace store shut down before " + name + " ran", true));
    }
  }

  static StoreException toStoreException(String operation, Exception e) {
    if (e instanceof StoreException se) {
      return se;
    }
    if (e instanceof SdkException sdk) {
      return classify(operation, sdk);
    }
    return new StoreException("DynamoDB " + operation + " failed: " + e, false, e);
  }

  /**
   * Retryable: throttling, 5xx, clock skew and client-side errors (I/O, timeouts, interrupted
   * calls). Permanent: every other service error, that is 4xx such as ValidationException.
   */
  static StoreException classify(String operation, SdkException e) {
    boolean retryable;
    if (e instanceof AwsServiceException service) {
      retryable =
          service instanceof ProvisionedThroughputExceededException
              || service instanceof RequestLimitExceededException
              || service instanceof ThrottlingException
              || service.isThrottlingException()
              || service.isClockSkewException()
              || service.statusCode() >= 500;
    } else {
      retryable = true;
    }
    return new StoreException(
        "DynamoDB " + operation + " failed (" + (retryable ? "retryable" : "permanent") + "): "
            + e.getMessage(), retryable, e);
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting to retry", true, e);
    }
  }

  /** Completes when all parts do; fails with a permanent failure if any, else the first one. */
  static CompletableFuture<Void> allOf(List<? extends CompletionStage<?>> stages) {
    List<CompletableFuture<?>> parts = stages.stream().map(CompletionStage::toCompletableFuture)
        .<CompletableFuture<?>>map(f -> f).toList();
    CompletableFuture<Void> result = new CompletableFuture<>();
    CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ok, ignored) -> {
              List<StoreException> failures = new ArrayList<>();
              for (CompletableFuture<?> part : parts) {
                part.whenComplete(
                    (v, failure) -> {
                      if (failure != null) {
                        failures.add(failure instanceof Exception e
                            ? toStoreException("write", e)
                            : new StoreException("write failed: " + failure, false, failure));
                      }
                    });
              }
              if (failures.isEmpty()) {
                result.complete(null);
                return;
              }
              StoreException primary =
                  failures.stream().filter(f -> !f.retryable()).findFirst().orElse(failures.get(0));
              failures.stream().filter(f -> f != primary).forEach(primary::addSuppressed);
              result.completeExceptionally(primary);
            });
    return result;
  }
}
