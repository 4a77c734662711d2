package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A {@link TraceStore} over one DynamoDB table (key design in the package documentation).
 *
 * <p><b>Threading.</b> Thread-safe. Calls go through the synchronous SDK client on a fixed-size
 * pool of daemon threads ({@code tracebridge-dynamodb-N}, {@link DynamoDbStoreConfig#writeThreads()})
 * with a bounded queue, so callers get {@link CompletionStage}s and never block; an event loop
 * bridges them with {@code Future.fromCompletionStage}. Stages complete on a pool thread. {@link
 * #create} and {@link #ensureTable()} block and belong to start-up.
 *
 * <p><b>Writes.</b> {@link #accept} completes only when every item is written. A batch is deduped by
 * key (last record wins), split into BatchWriteItem calls of 25 that run in parallel, and unprocessed
 * items and retryable errors are retried with exponential backoff and jitter (the backoff holds a pool
 * thread, which is the store's back-pressure). Failures are {@link StoreException}s: retryable for
 * throttling, 5xx, I/O errors, exhausted retries and a full queue; permanent for other 4xx
 * (ValidationException, an item over 400 KB, a missing table) and for use after shutdown. Part of a
 * failed batch may be written; writing it again is safe because writes are idempotent by key.
 *
 * <p><b>Reads.</b> Trace queries are strongly consistent; session queries read the {@code bySession}
 * index, which DynamoDB keeps eventually consistent. Results are new lists in {@link
 * FunctionalRecord#TIMELINE} order and belong to the caller.
 *
 * <p><b>Ownership.</b> The store does not own the {@link DynamoDbClient}: the caller closes it after
 * {@link #shutdown()}.
 */
public final class DynamoDbTraceStore implements TraceStore {
  /** Name of the global secondary index over {@code gsi1pk} / {@code gsi1sk}. */
  public static final String SESSION_INDEX = "bySession";
  /** DynamoDB's limit of items per BatchWriteItem call. */
  static final int MAX_BATCH_ITEMS = 25;

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTraceStore.class);
  private static final Duration TABLE_POLL_INTERVAL = Duration.ofMillis(500);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final DynamoDbClient client;
  private final DynamoDbStoreConfig config;
  private final ThreadPoolExecutor pool;
  private final AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();

  private DynamoDbTraceStore(DynamoDbClient client, DynamoDbStoreConfig config) {
    this.client = client;
    this.config = config;
    int poolId = POOL_IDS.incrementAndGet();
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

  /**
   * A store over {@code client}, with its table made ready by {@link #ensureTable()}. Blocks while
   * the table is checked (and created); call it at start-up, not on an event loop.
   *
   * @throws StoreException if the table is missing and may not be created, has no {@value
   *     #SESSION_INDEX} index, or does not become ACTIVE in time
   */
  public static DynamoDbTraceStore create(DynamoDbClient client, DynamoDbStoreConfig config) {
    DynamoDbTraceStore store = new DynamoDbTraceStore(client, config);
    try {
      store.ensureTable();
    } catch (RuntimeException e) {
      store.pool.shutdownNow();
      throw e;
    }
    LOG.info("DynamoDB trace store ready: {}", config);
    return store;
  }

  /**
   * A production client: URL-connection HTTP (no Netty, see the module README), the default
   * credentials chain, {@code region}, and {@code endpointOverride} if given (DynamoDB Local as a
   * server, a VPC endpoint). The caller owns and closes it.
   */
  public static DynamoDbClient defaultClient(Optional<URI> endpointOverride, String region) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .region(Region.of(region));
    endpointOverride.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** The configuration this store runs with. */
  public DynamoDbStoreConfig config() {
    return config;
  }

  /**
   * Makes sure the table and its {@value #SESSION_INDEX} index exist and are ACTIVE: creates them
   * (on-demand billing) if missing and {@link DynamoDbStoreConfig#createTableIfMissing()} allows,
   * then polls DescribeTable for at most {@link DynamoDbStoreConfig#tableReadyTimeout()}. Safe to
   * call from several nodes at once. Blocks the calling thread.
   *
   * @throws StoreException (permanent) if the table is missing and may not be created or lacks the
   *     index; (retryable) if it is not ACTIVE in time or DynamoDB cannot be reached
   */
  public void ensureTable() {
    String table = config.tableName();
    try {
      Optional<TableDescription> existing = describe();
      if (existing.isEmpty()) {
        if (!config.createTableIfMissing()) {
          throw new StoreException(
              "DynamoDB table '" + table + "' does not exist and createTableIfMissing is false",
              false);
        }
        createTable();
      }
      long deadline = System.nanoTime() + config.tableReadyTimeout().toNanos();
      while (true) {
        TableDescription d =
            describe().orElseThrow(() -> new StoreException(
                "DynamoDB table '" + table + "' disappeared while waiting for it", true));
        if (!hasSessionIndex(d)) {
          throw new StoreException(
              "DynamoDB table '" + table + "' has no '" + SESSION_INDEX + "' index", false);
        }
        if (isActive(d)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new StoreException(
              "DynamoDB table '" + table + "' not ACTIVE after tableReadyTimeout "
                  + config.tableReadyTimeout(), true);
        }
        sleep(TABLE_POLL_INTERVAL);
      }
    } catch (SdkException e) {
      throw classify("DescribeTable/CreateTable", e);
    }
  }

  private Optional<TableDescription> describe() {
    try {
      return Optional.of(client.describeTable(b -> b.tableName(config.tableName())).table());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  private void createTable() {
    try {
      client.createTable(
          b -> b.tableName(config.tableName())
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .attributeDefinitions(
                  stringAttribute(DynamoItem.PK), stringAttribute(DynamoItem.SK),
                  stringAttribute(DynamoItem.GSI1_PK), stringAttribute(DynamoItem.GSI1_SK))
              .keySchema(key(DynamoItem.PK, KeyType.HASH), key(DynamoItem.SK, KeyType.RANGE))
              .globalSecondaryIndexes(
                  GlobalSecondaryIndex.builder()
                      .indexName(SESSION_INDEX)
                      .keySchema(
                          key(DynamoItem.GSI1_PK, KeyType.HASH),
                          key(DynamoItem.GSI1_SK, KeyType.RANGE))
                      .projection(p -> p.projectionType(ProjectionType.ALL))
                      .build()));
      LOG.info("Created DynamoDB table {} (on-demand, index {})", config.tableName(), SESSION_INDEX);
    } catch (ResourceInUseException e) {
      // Another node created it first: wait for it like for our own.
    }
  }

  private static AttributeDefinition stringAttribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static boolean hasSessionIndex(TableDescription d) {
    return d.globalSecondaryIndexes().stream().anyMatch(i -> SESSION_INDEX.equals(i.indexName()));
  }

  private static boolean isActive(TableDescription d) {
    return d.tableStatus() == TableStatus.ACTIVE
        && d.globalSecondaryIndexes().stream()
            .map(GlobalSecondaryIndexDescription::indexStatus)
            .allMatch(IndexStatus.ACTIVE::equals);
  }

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Map<List<String>, WriteRequest> byKey = new LinkedHashMap<>();
    try {
      for (FunctionalRecord r : records) {
        Map<String, AttributeValue> item = DynamoItem.toItem(r);
        byKey.put(
            List.of(item.get(DynamoItem.PK).s(), item.get(DynamoItem.SK).s()),
            WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new StoreException("record cannot be stored: " + e.getMessage(), false, e));
    }
    List<WriteRequest> requests = new ArrayList<>(byKey.values());
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += MAX_BATCH_ITEMS) {
      List<WriteRequest> chunk =
          requests.subList(from, Math.min(from + MAX_BATCH_ITEMS, requests.size()));
      parts.add(submit("BatchWriteItem", () -> {
        writeChunk(chunk);
        return null;
      }));
    }
    return parts.size() == 1 ? parts.get(0) : allOf(parts);
  }

  /** Writes one chunk of at most 25 puts, retrying unprocessed items and retryable errors. */
  private void writeChunk(List<WriteRequest> chunk) {
    Map<String, List<WriteRequest>> pending = Map.of(config.tableName(), chunk);
    for (int attempt = 0; ; attempt++) {
      try {
        Map<String, List<WriteRequest>> request = pending;
        BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(request));
        pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
        int unprocessed = pending.values().stream().mapToInt(List::size).sum();
        if (unprocessed == 0) {
          return;
        }
        if (attempt >= config.maxRetries()) {
          throw new StoreException(
              unprocessed + " of " + chunk.size() + " items still unprocessed by DynamoDB after "
                  + config.maxRetries() + " retries", true);
        }
      } catch (SdkException e) {
        StoreException failure = classify("BatchWriteItem", e);
        if (!failure.retryable() || attempt >= config.maxRetries()) {
          throw failure;
        }
      }
      sleep(backoff(attempt));
    }
  }

  /** Exponential backoff with "equal jitter": a random delay in [d/2, d], d = initial * 2^attempt. */
  private Duration backoff(int attempt) {
    long cap = config.maxBackoff().toNanos();
    long delay = config.initialBackoff().toNanos();
    for (int i = 0; i < attempt && delay < cap; i++) {
      delay *= 2;
    }
    delay = Math.min(delay, cap);
    return Duration.ofNanos(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
    String pk = DynamoItem.tracePk(tenant, traceId);
    QueryRequest query =
        QueryRequest.builder()
            .tableName(config.tableName())
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", DynamoItem.PK))
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
            .consistentRead(true)
            .build();
    return submit("Query", () -> queryAll(query));
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId) {
    QueryRequest query =
        QueryRequest.builder()
            .tableName(config.tableName())
            .indexName(SESSION_INDEX)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", DynamoItem.GSI1_PK))
            .expressionAttributeValues(
                Map.of(":pk", AttributeValue.fromS(DynamoItem.sessionPk(tenant, sessionId))))
            .build();
    return submit("Query", () -> queryAll(query));
  }

  private List<FunctionalRecord> queryAll(QueryRequest query) {
    List<FunctionalRecord> records = new ArrayList<>();
    Map<String, AttributeValue> startKey = null;
    do {
      QueryResponse page = client.query(query.toBuilder().exclusiveStartKey(startKey).build());
      page.items().forEach(item -> records.add(DynamoItem.fromItem(item)));
      startKey =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (startKey != null);
    records.sort(FunctionalRecord.TIMELINE);
    return records;
  }

  /**
   * Stops taking work and lets queued and running operations finish for up to 30 s; after that
   * they are interrupted, and operations that never ran fail with a retryable {@link
   * StoreException}. Later calls fail with a permanent one. Idempotent; does not close the client.
   */
  @Override
  public CompletionStage<Void> shutdown() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!shutdown.compareAndSet(null, done)) {
      return shutdown.get();
    }
    pool.shutdown();
    Thread waiter =
        new Thread(
            () -> {
              try {
                if (!pool.awaitTermination(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                  pool.shutdownNow().forEach(r -> ((Operation<?>) r).abandon());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              LOG.info("DynamoDB trace store on table {} shut down", config.tableName());
              done.complete(null);
            },
            "tracebridge-dynamodb-shutdown");
    waiter.setDaemon(true);
    waiter.start();
    return done;
  }

  private <T> CompletableFuture<T> submit(String operation, Callable<T> task) {
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

  private static StoreException toStoreException(String operation, Exception e) {
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

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting to retry", true, e);
    }
  }

  /** Completes when all parts do; fails with a permanent failure if any, else the first one. */
  private static CompletableFuture<Void> allOf(List<CompletableFuture<Void>> parts) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ok, ignored) -> {
              List<StoreException> failures = new ArrayList<>();
              for (CompletableFuture<Void> part : parts) {
                part.whenComplete(
                    (v, failure) -> {
                      if (failure != null) {
                        failures.add(failure instanceof Exception e
                            ? toStoreException("BatchWriteItem", e)
                            : new StoreException("BatchWriteItem failed: " + failure, false, failure));
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
