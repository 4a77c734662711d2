package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.StoredRecordListener;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceAssemblyStore;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceSink;
import io.tracebridge.store.TraceSnapshot;
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;

/**
 * A {@link TraceStore} over one DynamoDB table (key design in the package documentation).
 *
 * <p><b>Threading.</b> Thread-safe. Calls go through the synchronous SDK client on a fixed-size
 * pool of daemon threads ({@code tracebridge-dynamodb-N}, {@link DynamoDbStoreConfig#writeThreads()})
 * with a bounded queue, so callers get {@link CompletionStage}s and never block; an event loop
 * bridges them with {@code Future.fromCompletionStage}. Stages complete on a pool thread. {@link
 * #create} and {@link #ensureTable()} block and belong to start-up.
 *
 * <p><b>Writes.</b> {@link #accept} completes only when every record, its trace summary and its
 * usage are written. A batch is deduped by key (last record wins), grouped by trace and split into
 * chunks of 8 that run in parallel. Each record is a PutItem conditioned on its content hash, so an
 * identical re-export writes nothing and keeps its ingest sequence; usage is counted by {@link
 * UsageLedger} transactions, and a record stored before its count carries a mark until it lands,
 * so a crash in between is repaired ({@link UsageRepair}). An assembly pass that hands its snapshot
 * back ({@link #write}) skips the read and writes per trace: fresh records without usage to count
 * in BatchWriteItem under the trace's write lease, one summary update and one usage transaction
 * for all (README, "Batched fresh writes and the write lease"). Retryable errors are retried with exponential backoff and jitter (the
 * backoff holds a pool thread, which is the store's back-pressure). Written versions go to the
 * {@link StoredRecordListener}s, with their sequence. Failures are {@link StoreException}s: retryable for
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
public final class DynamoDbTraceStore implements TraceStore, TraceAssemblyStore {
  /** Name of the global secondary index over {@code gsi1pk} / {@code gsi1sk}. */
  public static final String SESSION_INDEX = "bySession";
  /** Overloaded index: a session's records by ingest sequence; an agent's trace summaries. */
  public static final String GSI2 = "gsi2";
  /** Overloaded index: an agent's records by ingest sequence; a tenant's trace summaries. */
  public static final String GSI3 = "gsi3";
  /** The longest usage query, in days. */
  public static final int MAX_USAGE_DAYS = 366;
  /** Records per write task: a trace's records are written in chunks of this many, in parallel. */
  static final int MAX_BATCH_ITEMS = 8;
  /** DynamoDB's limit of puts in one BatchWriteItem. */
  private static final int MAX_BATCH_WRITE = 25;
  /** Connections beyond the store threads: the repair timer, a readiness probe on the same client. */
  private static final int SPARE_CONNECTIONS = 4;

  /** The {@code PASSES} item's attributes of the write lease: its holder and its end (epoch ms). */
  static final String LEASE = "lease";
  static final String LEASE_UNTIL = "leaseUntil";
  /** How long a write lease lasts; its holder starts blind writes only in the first half. */
  static final Duration LEASE_TIME = Duration.ofSeconds(2);
  /** The basis of the pass whose writer is calling {@link #accept} on this thread ({@link #write}). */
  private static final ThreadLocal<Known> KNOWN = new ThreadLocal<>();

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTraceStore.class);
  private static final Duration TABLE_POLL_INTERVAL = Duration.ofMillis(500);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final DynamoDbClient client;
  private final DynamoDbStoreConfig config;
  private final ThreadPoolExecutor pool;
  private final AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();
  private final List<StoredRecordListener> listeners = new CopyOnWriteArrayList<>();
  private final IngestSeq seqs = new IngestSeq(Clock.systemUTC());
  private final TraceSummaries summaries;
  private final UsageLedger usage;
  private final UsageRepair repair;
  private final ScheduledExecutorService repairTimer;

  private DynamoDbTraceStore(DynamoDbClient client, DynamoDbStoreConfig config) {
    this.client = client;
    this.config = config;
    this.summaries = new TraceSummaries(client, config.tableName());
    this.usage = new UsageLedger(this, client, config.tableName());
    this.repair = new UsageRepair(this, client, config.tableName(), Clock.systemUTC());
    int poolId = POOL_IDS.incrementAndGet();
    this.repairTimer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tracebridge-usage-repair-" + poolId);
      t.setDaemon(true);
      return t;
    });
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
   * A store over {@code client}, with its table made ready by {@link #ensureTable()} and, unless
   * {@link DynamoDbStoreConfig#repairUsage()} is off, the usage crashed writers left uncounted
   * counted ({@link UsageRepair}: one pass now, then one every {@link
   * DynamoDbStoreConfig#usageRepairInterval()}). Blocks while the table is checked (and created)
   * and the first pass runs; call it at start-up, not on an event loop.
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
      store.repairTimer.shutdownNow();
      throw e;
    }
    if (config.repairUsage()) {
      store.repairUsage(Duration.ZERO);
    }
    if (config.repairUsage() && !config.usageRepairInterval().isZero()) {
      long every = config.usageRepairInterval().toMillis();
      store.repairTimer.scheduleWithFixedDelay(
          () -> store.submit("Query", () -> store.repairUsage(config.usageRepairGrace())),
          every, every, TimeUnit.MILLISECONDS);
    }
    LOG.info("DynamoDB trace store ready: {}", config);
    return store;
  }

  /**
   * One {@link UsageRepair} pass over the records stored with their usage not yet counted and
   * older than {@code grace}; blocks. A failure is logged, not thrown: the next pass tries again.
   */
  private int repairUsage(Duration grace) {
    try {
      int counted = repair.run(grace);
      if (counted > 0) {
        LOG.info("Counted the usage of {} record(s) a writer had stored without counting it", counted);
      }
      return counted;
    } catch (RuntimeException e) {
      LOG.warn("Usage repair pass failed; the next one tries again", e);
      return 0;
    }
  }

  /** The repair of usage left uncounted by a crash; for tests. */
  UsageRepair usageRepair() {
    return repair;
  }

  /** The trace summaries this store keeps. */
  TraceSummaries summaries() {
    return summaries;
  }

  /**
   * A production client with a pool of {@link DynamoDbStoreConfig#NODE_WRITE_THREADS}
   * connections; see {@link #defaultClient(Optional, String, int)}.
   */
  public static DynamoDbClient defaultClient(Optional<URI> endpointOverride, String region) {
    return defaultClient(endpointOverride, region, DynamoDbStoreConfig.NODE_WRITE_THREADS);
  }

  /**
   * A production client: {@link #httpClientBuilder(int)} for {@code storeThreads}, the default
   * credentials chain, {@code region}, and {@code endpointOverride} if given (DynamoDB Local as a
   * server, a VPC endpoint). The caller owns and closes it.
   */
  public static DynamoDbClient defaultClient(
      Optional<URI> endpointOverride, String region, int storeThreads) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClientBuilder(httpClientBuilder(storeThreads))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            // The store retries with its own backoff (retrying); SDK retries beneath it would
            // multiply the attempts per call.
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .region(Region.of(region));
    endpointOverride.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * The HTTP client for a store with {@code storeThreads} threads ({@link
   * DynamoDbStoreConfig#writeThreads()}): Apache HttpClient 5 (blocking, no Netty; see the module
   * README) with a pool of keep-alive connections for every store thread plus a few for the repair
   * timer and readiness probes, so that each call reuses a connection instead of opening one
   * (the URL-connection client keeps about 5 per host: 64 threads against a remote table mostly
   * paid a TCP and TLS handshake per call).
   */
  public static Apache5HttpClient.Builder httpClientBuilder(int storeThreads) {
    if (storeThreads < 1) {
      throw new IllegalArgumentException("storeThreads must be at least 1: " + storeThreads);
    }
    return Apache5HttpClient.builder().maxConnections(storeThreads + SPARE_CONNECTIONS);
  }

  /** The write-time usage counter; for tests. */
  UsageLedger usageLedger() {
    return usage;
  }

  /** The configuration this store runs with. */
  public DynamoDbStoreConfig config() {
    return config;
  }

  /**
   * Makes sure the table and its indexes ({@value #SESSION_INDEX}, {@value #GSI2}, {@value #GSI3})
   * exist and are ACTIVE: creates the table (on-demand billing) if missing and {@link
   * DynamoDbStoreConfig#createTableIfMissing()} allows, adds an index a table of an older layout
   * lacks (one UpdateTable per index, as DynamoDB requires), then polls DescribeTable for at most
   * {@link DynamoDbStoreConfig#tableReadyTimeout()}. Safe to call from several nodes at once.
   * Blocks the calling thread.
   *
   * @throws StoreException (permanent) if the table is missing and may not be created or lacks the
   *     session index; (retryable) if it is not ACTIVE in time or DynamoDB cannot be reached
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
        List<String> problems = TableSchemaCheck.problems(d, !config.createTableIfMissing());
        if (!problems.isEmpty()) {
          throw new StoreException("DynamoDB table '" + table + "' does not fit TraceBridge: "
              + String.join("; ", problems), false);
        }
        if (!hasIndex(d, SESSION_INDEX)) {
          throw new StoreException(
              "DynamoDB table '" + table + "' has no '" + SESSION_INDEX + "' index", false);
        }
        if (isActive(d)) {
          Optional<String> missing = Stream.of(GSI2, GSI3, UsageRepair.INDEX)
              .filter(name -> !hasIndex(d, name)).findFirst();
          if (missing.isEmpty()) {
            return;
          }
          addIndex(missing.get());
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
              .attributeDefinitions(attributeDefinitions())
              .keySchema(key(DynamoItem.PK, KeyType.HASH), key(DynamoItem.SK, KeyType.RANGE))
              .globalSecondaryIndexes(
                  index(SESSION_INDEX, DynamoItem.GSI1_PK, DynamoItem.GSI1_SK),
                  index(GSI2, DynamoItem.GSI2_PK, DynamoItem.GSI2_SK),
                  index(GSI3, DynamoItem.GSI3_PK, DynamoItem.GSI3_SK),
                  pendingIndex()));
      LOG.info("Created DynamoDB table {} (on-demand, indexes {}, {}, {}, {})",
          config.tableName(), SESSION_INDEX, GSI2, GSI3, UsageRepair.INDEX);
    } catch (ResourceInUseException e) {
      // Another node created it first: wait for it like for our own.
    }
  }

  private void addIndex(String name) {
    if (!config.createTableIfMissing()) {
      throw new StoreException("DynamoDB table '" + config.tableName() + "' has no '" + name
          + "' index and createTableIfMissing is false", false);
    }
    GlobalSecondaryIndex index = switch (name) {
      case GSI2 -> index(GSI2, DynamoItem.GSI2_PK, DynamoItem.GSI2_SK);
      case GSI3 -> index(GSI3, DynamoItem.GSI3_PK, DynamoItem.GSI3_SK);
      default -> pendingIndex();
    };
    try {
      client.updateTable(b -> b.tableName(config.tableName())
          .attributeDefinitions(attributeDefinitions())
          .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName(name)
              .keySchema(index.keySchema())
              .projection(index.projection()))));
      LOG.info("Adding index {} to DynamoDB table {}", name, config.tableName());
    } catch (ResourceInUseException | LimitExceededException e) {
      // Another node is adding it, or an index is being built: poll again.
    }
  }

  private static List<AttributeDefinition> attributeDefinitions() {
    return List.of(
        stringAttribute(DynamoItem.PK), stringAttribute(DynamoItem.SK),
        stringAttribute(DynamoItem.GSI1_PK), stringAttribute(DynamoItem.GSI1_SK),
        stringAttribute(DynamoItem.GSI2_PK), stringAttribute(DynamoItem.GSI2_SK),
        stringAttribute(DynamoItem.GSI3_PK), stringAttribute(DynamoItem.GSI3_SK),
        stringAttribute(UsageRepair.PENDING), stringAttribute(DynamoItem.SEQ));
  }

  /** The sparse index of records with uncounted usage: keys only, they are read from the table. */
  private static GlobalSecondaryIndex pendingIndex() {
    return GlobalSecondaryIndex.builder()
        .indexName(UsageRepair.INDEX)
        .keySchema(key(UsageRepair.PENDING, KeyType.HASH), key(DynamoItem.SEQ, KeyType.RANGE))
        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
        .build();
  }

  private static GlobalSecondaryIndex index(String name, String pk, String sk) {
    return GlobalSecondaryIndex.builder()
        .indexName(name)
        .keySchema(key(pk, KeyType.HASH), key(sk, KeyType.RANGE))
        .projection(p -> p.projectionType(ProjectionType.ALL))
        .build();
  }

  private static AttributeDefinition stringAttribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static boolean hasIndex(TableDescription d, String name) {
    return d.globalSecondaryIndexes().stream().anyMatch(i -> name.equals(i.indexName()));
  }

  /**
   * Whether the table and the indexes reads need are ACTIVE. The {@value UsageRepair#INDEX} index
   * may still be building (added to a large table, DynamoDB backfills it for a while): records are
   * marked meanwhile, and repair passes fail and are tried again until it is ready.
   */
  private static boolean isActive(TableDescription d) {
    return d.tableStatus() == TableStatus.ACTIVE
        && d.globalSecondaryIndexes().stream()
            .filter(index -> !UsageRepair.INDEX.equals(index.indexName()))
            .map(GlobalSecondaryIndexDescription::indexStatus)
            .allMatch(IndexStatus.ACTIVE::equals);
  }

  @Override
  public void addListener(StoredRecordListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    // Dedupe by key (last wins), then group by trace so that summaries update once per chunk.
    Map<String, Map<String, FunctionalRecord>> byTrace = new LinkedHashMap<>();
    try {
      for (FunctionalRecord r : records) {
        byTrace.computeIfAbsent(DynamoItem.tracePk(r.tenant(), r.traceId()), k -> new LinkedHashMap<>())
            .put(r.recordId(), r);
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new StoreException("record cannot be stored: " + e.getMessage(), false, e));
    }
    Known known = KNOWN.get();
    if (known != null && byTrace.size() == 1 && byTrace.containsKey(known.pk())) {
      List<FunctionalRecord> list = new ArrayList<>(byTrace.get(known.pk()).values());
      // Taken here, on the caller's thread, so that write(..., spans, records) knows they go here.
      List<WriteRequest> spans = known.takeSpans();
      return submit("BatchWriteItem", () -> {
        writeKnown(list, known, spans);
        return null;
      });
    }
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (Map<String, FunctionalRecord> trace : byTrace.values()) {
      List<FunctionalRecord> list = new ArrayList<>(trace.values());
      for (int from = 0; from < list.size(); from += MAX_BATCH_ITEMS) {
        List<FunctionalRecord> chunk = list.subList(from, Math.min(from + MAX_BATCH_ITEMS, list.size()));
        parts.add(submit("PutItem", () -> {
          writeChunk(chunk);
          return null;
        }));
      }
    }
    return parts.size() == 1 ? parts.get(0) : allOf(parts);
  }

  /**
   * Writes one chunk of one trace: one BatchGetItem reads the stored version of each record and
   * its usage marker; each record is merged with its stored version (a later version keeps what
   * it lacks from the earlier one, so a partial live record arriving after its span's full record
   * never erases fields), then put with a condition (skipped when nothing changes); the listeners
   * hear of the writes; then the trace's summary is updated and the usage of the chunk's records
   * not yet counted is counted (one transaction, {@link UsageLedger}). Summary and usage are
   * applied to every record of the chunk, written or not, so a retry after a partial failure
   * completes them; both are idempotent.
   */
  private void writeChunk(List<FunctionalRecord> chunk) {
    Stored stored = readStored(chunk);
    Map<String, FunctionalRecord> earlier = stored.records();
    List<StoredRecord> written = new ArrayList<>();
    List<FunctionalRecord> merged = new ArrayList<>(chunk.size());
    List<UsageLedger.Entry> counts = new ArrayList<>(chunk.size());
    // A record stored with its usage still to count carries a mark until its count lands.
    Predicate<FunctionalRecord> uncounted =
        r -> UsageLedger.needsCount(r, stored.markers().get(r.recordId()), stored.mode());
    for (FunctionalRecord r : chunk) {
      Write write = retrying("PutItem", () -> putRecord(r, earlier.get(r.recordId()), uncounted));
      merged.add(write.record());
      counts.add(UsageLedger.Entry.stored(write.record(), write.contentHash()));
      if (write.stored() != null) {
        written.add(write.stored());
      }
    }
    // The records are durable: live viewers hear of them before summary and usage are done.
    if (!written.isEmpty()) {
      List<StoredRecord> view = List.copyOf(written);
      for (StoredRecordListener l : listeners) {
        try {
          l.stored(view);
        } catch (RuntimeException e) {
          LOG.warn("a stored-record listener failed; live delivery falls back to the store", e);
        }
      }
    }
    retrying("UpdateItem", () -> {
      summaries.update(merged);
      return null;
    });
    usage.count(counts, stored.markers(), stored.mode());
  }

  /**
   * Writes the records of one trace whose stored state the caller's snapshot read ({@link #write}):
   * no BatchGetItem, since the snapshot already holds the stored versions, the call markers and
   * the mode item. A record the snapshot held is merged with that version and put conditioned on
   * it, as {@link #writeChunk} does (skipped when nothing changes; a version written since makes
   * the condition fail, and the put reads and merges again). A record the snapshot did not hold
   * and that carries no usage to count goes in a BatchWriteItem, blind, but only under the trace's
   * write lease ({@link #claimLease}); without the lease, and for records stored with a pending
   * usage mark, one conditional PutItem each (so a crash between a model call's record and its
   * count is bounded by a write of its own, as on the other path). Then one summary update and one
   * usage count for all of them: per trace and per call, not per chunk of 8.
   */
  private void writeKnown(List<FunctionalRecord> records, Known known, @Nullable List<WriteRequest> spans) {
    Predicate<FunctionalRecord> uncounted =
        r -> UsageLedger.needsCount(r, known.markers().get(r.recordId()), known.mode());
    List<StoredRecord> written = new ArrayList<>();
    List<FunctionalRecord> merged = new ArrayList<>(records.size());
    List<UsageLedger.Entry> counts = new ArrayList<>(records.size());
    List<FunctionalRecord> blind = new ArrayList<>();
    List<FunctionalRecord> conditional = new ArrayList<>();
    for (FunctionalRecord r : records) {
      (known.records().containsKey(r.recordId()) || uncounted.test(r) ? conditional : blind).add(r);
    }
    if (!blind.isEmpty() && !claimLease(known)) {
      conditional.addAll(0, blind);
      blind.clear();
    }
    // The pass's spans (write with spans): in the blind batch, or alone before the records.
    if (spans != null && blind.isEmpty()) {
      writeSpans(spans);
      spans = null;
    }
    List<FunctionalRecord> late = blindWrite(
        spans == null ? List.of() : spans, blind, known, merged, counts, written);
    // Live viewers hear of the batch at once, not after the conditional puts.
    tell(written);
    written.clear();
    conditional.addAll(late);
    for (FunctionalRecord r : conditional) {
      FunctionalRecord earlier = known.records().get(r.recordId());
      Write write = retrying("PutItem", () -> putRecord(r, earlier, uncounted));
      merged.add(write.record());
      counts.add(UsageLedger.Entry.stored(write.record(), write.contentHash()));
      if (write.stored() != null) {
        written.add(write.stored());
      }
    }
    tell(written);
    retrying("UpdateItem", () -> {
      if (!known.records().isEmpty() || !summaries.create(merged)) {
        summaries.update(merged);
      }
      return null;
    });
    usage.count(counts, known.markers(), known.mode());
  }

  /**
   * Puts {@code blind} (records no stored version of which the snapshot held) with BatchWriteItem,
   * 25 items a call, {@code spans} (span items, always written blind) first, while this pass holds
   * the trace's lease with time to spare; returns the records left unwritten when that time ran
   * out (the caller puts them conditionally). Span items left then are put in batches of their own.
   */
  private List<FunctionalRecord> blindWrite(List<WriteRequest> spans, List<FunctionalRecord> blind,
      Known known, List<FunctionalRecord> merged, List<UsageLedger.Entry> counts,
      List<StoredRecord> written) {
    List<FunctionalRecord> left = new ArrayList<>();
    List<WriteRequest> spansLeft = new ArrayList<>();
    List<Object> all = new ArrayList<>(spans.size() + blind.size());
    all.addAll(spans);
    all.addAll(blind);
    for (int from = 0; from < all.size(); from += MAX_BATCH_WRITE) {
      List<Object> part = all.subList(from, Math.min(from + MAX_BATCH_WRITE, all.size()));
      Map<String, FunctionalRecord> byId = new LinkedHashMap<>();
      Map<String, Map<String, AttributeValue>> items = new HashMap<>();
      Map<String, String> seqOf = new HashMap<>();
      List<WriteRequest> pending = new ArrayList<>();
      for (Object o : part) {
        if (o instanceof WriteRequest span) {
          pending.add(span);
          continue;
        }
        FunctionalRecord r = (FunctionalRecord) o;
        String seq = seqs.next(r.recordId());
        Map<String, AttributeValue> item = DynamoItem.toItem(r, seq);
        byId.put(r.recordId(), r);
        items.put(r.recordId(), item);
        seqOf.put(r.recordId(), seq);
        pending.add(WriteRequest.builder().putRequest(b -> b.item(item)).build());
      }
      long stamped = System.nanoTime();
      pending = batchWrite(pending, known::leaseFresh); // what is left goes conditionally
      Set<String> unwritten = new java.util.HashSet<>();
      for (var w : pending) {
        AttributeValue recordId = w.putRequest().item().get("recordId");
        if (recordId == null) {
          spansLeft.add(w);
        } else {
          unwritten.add(recordId.s());
        }
      }
      for (FunctionalRecord r : byId.values()) {
        if (unwritten.contains(r.recordId())) {
          left.add(r);
          continue;
        }
        merged.add(r);
        counts.add(UsageLedger.Entry.stored(r, items.get(r.recordId()).get(DynamoItem.CONTENT_HASH).s()));
        StoredRecord stored = restampIfLate(r, items.get(r.recordId()), seqOf.get(r.recordId()), stamped);
        if (stored != null) {
          written.add(stored);
        }
      }
    }
    if (!spansLeft.isEmpty()) {
      writeSpans(spansLeft);
    }
    return left;
  }

  /** Tells the listeners of versions made durable (before summary and usage are done). */
  private void tell(List<StoredRecord> written) {
    if (written.isEmpty()) {
      return;
    }
    List<StoredRecord> view = List.copyOf(written);
    for (StoredRecordListener l : listeners) {
      try {
        l.stored(view);
      } catch (RuntimeException e) {
        LOG.warn("a stored-record listener failed; live delivery falls back to the store", e);
      }
    }
  }

  /**
   * Claims the trace's write lease for the pass that read {@code known}: one UpdateItem of the
   * {@code PASSES} item, conditioned on no pass having finished since the snapshot and no other
   * pass holding a lease that has not expired. While a pass holds it, it alone writes records
   * blind; every other pass that finishes meanwhile is told to run again ({@link #finishPass}), so
   * whatever a blind write overwrote is merged back by its writer. False if another holds it.
   */
  private boolean claimLease(Known known) {
    if (known.lease() != null) {
      return known.leaseFresh();
    }
    String token = java.util.UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    Map<String, String> names = new HashMap<>(Map.of("#p", "passes", "#lease", LEASE, "#until", LEASE_UNTIL));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(
        ":me", AttributeValue.fromS(token),
        ":until", AttributeValue.fromN(Long.toString(now + LEASE_TIME.toMillis())),
        ":now", AttributeValue.fromN(Long.toString(now))));
    String seen;
    if (known.passes() == 0) {
      seen = "attribute_not_exists(#p)";
    } else {
      seen = "#p = :seen";
      values.put(":seen", AttributeValue.fromN(Long.toString(known.passes())));
    }
    long claimed = System.nanoTime();
    try {
      retrying("UpdateItem", () -> client.updateItem(b -> b.tableName(config.tableName())
          .key(passesKey(known.pk()))
          .updateExpression("SET #lease = :me, #until = :until")
          .conditionExpression(seen + " AND (attribute_not_exists(#lease) OR #until < :now)")
          .expressionAttributeNames(names)
          .expressionAttributeValues(values)));
    } catch (StoreException e) {
      if (e.getCause() instanceof ConditionalCheckFailedException) {
        return false;
      }
      throw e;
    }
    known.held(token, claimed);
    return true;
  }

  private static Map<String, AttributeValue> passesKey(String pk) {
    return Map.of(DynamoItem.PK, AttributeValue.fromS(pk),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.PASSES_SK));
  }

  /**
   * What a snapshot read besides records and spans, kept for the pass that took it ({@link
   * TraceSnapshot#basis()}): the stored records by id, the call markers, the mode item (empty:
   * absent), the finished passes, and the write lease once the pass holds it.
   */
  static final class Known {
    private final String pk;
    private final Map<String, FunctionalRecord> records = new HashMap<>();
    private final Map<String, UsageLedger.Marker> markers;
    private final Map<String, AttributeValue> mode;
    private final long passes;
    private final long leaseSeenUntil;
    private volatile String lease;
    private volatile long leaseClaimedNanos;
    /** The pass's span puts, until the write that puts them takes them. */
    private final java.util.concurrent.atomic.AtomicReference<List<WriteRequest>> spans =
        new java.util.concurrent.atomic.AtomicReference<>();

    Known(String pk, List<FunctionalRecord> records, Map<String, UsageLedger.Marker> markers,
        Map<String, AttributeValue> mode, long passes, long leaseSeenUntil) {
      this.pk = pk;
      this.leaseSeenUntil = leaseSeenUntil;
      records.forEach(r -> this.records.put(r.recordId(), r));
      this.markers = Map.copyOf(markers);
      this.mode = Map.copyOf(mode);
      this.passes = passes;
    }

    String pk() {
      return pk;
    }

    Map<String, FunctionalRecord> records() {
      return records;
    }

    Map<String, UsageLedger.Marker> markers() {
      return markers;
    }

    Map<String, AttributeValue> mode() {
      return mode;
    }

    long passes() {
      return passes;
    }

    @Nullable
    String lease() {
      return lease;
    }

    void spans(List<WriteRequest> writes) {
      spans.set(writes);
    }

    /** The span puts still to do (null: none, or taken), now taken. */
    @Nullable
    List<WriteRequest> takeSpans() {
      return spans.getAndSet(null);
    }

    void held(String token, long claimedNanos) {
      leaseClaimedNanos = claimedNanos;
      lease = token;
    }

    /** Whether the snapshot saw no lease of another pass that had not expired. */
    boolean settled() {
      return leaseSeenUntil < System.currentTimeMillis();
    }

    /** Held, with at least half of its time left: blind writes may still start. */
    boolean leaseFresh() {
      return lease != null && System.nanoTime() - leaseClaimedNanos < LEASE_TIME.toNanos() / 2;
    }

    @Override
    public String toString() {
      return "Known[" + pk + ", " + records.size() + " records, passes " + passes + "]";
    }
  }

  /**
   * What {@link #putRecord} did: the record as stored, its item's content hash, and its new
   * version (null: unchanged).
   */
  private record Write(FunctionalRecord record, String contentHash, @Nullable StoredRecord stored) {}

  /**
   * What a chunk's BatchGetItem found: stored records by id, the usage markers of calls by record
   * id, and the trace's usage mode item (null if not read; empty if read and absent).
   */
  private record Stored(
      Map<String, FunctionalRecord> records,
      Map<String, UsageLedger.Marker> markers,
      @Nullable Map<String, AttributeValue> mode) {}

  /**
   * The stored versions of {@code chunk}'s records (one trace), by record id, with the usage
   * markers of its calls and, if it has agent-level totals, the trace's mode item; consistent
   * reads.
   */
  private Stored readStored(List<FunctionalRecord> chunk) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    boolean needsMode = false;
    for (FunctionalRecord r : chunk) {
      keys.add(key(r));
      if (UsageLedger.needsMarker(r)) {
        keys.add(markerKey(r.tenant(), r.traceId(), r.recordId()));
      }
      needsMode |= UsageLedger.needsMode(r);
    }
    FunctionalRecord first = chunk.get(0);
    Map<String, AttributeValue> modeKey = Map.of(
        DynamoItem.PK, AttributeValue.fromS(DynamoItem.tracePk(first.tenant(), first.traceId())),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.USAGE_MODE_SK));
    if (needsMode) {
      keys.add(modeKey);
    }
    Map<String, FunctionalRecord> found = new HashMap<>();
    Map<String, UsageLedger.Marker> markers = new HashMap<>();
    Map<String, AttributeValue> mode = needsMode ? new HashMap<>() : null;
    for (Map<String, AttributeValue> item : batchGet(keys)) {
      String sk = item.get(DynamoItem.SK).s();
      if (sk.startsWith(DynamoItem.RECORD_PREFIX)) {
        FunctionalRecord r = DynamoItem.fromItem(item);
        found.put(r.recordId(), r);
      } else if (sk.equals(DynamoItem.USAGE_MODE_SK)) {
        mode.putAll(item);
      } else if (UsageAccounting.Role.CALL.name().equals(str(item, "role"))) {
        markers.put(item.get("recordId").s(), UsageLedger.Marker.fromItem(item));
      }
    }
    return new Stored(found, markers, mode);
  }

  @Nullable
  private static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  private static Map<String, AttributeValue> markerKey(String tenant, String traceId, String recordId) {
    return Map.of(
        DynamoItem.PK, AttributeValue.fromS(DynamoItem.tracePk(tenant, traceId)),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.usageMarkerSk(recordId)));
  }

  /** Consistent BatchGetItem of {@code keys} (at most 100), retrying unprocessed keys. */
  List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    if (keys.isEmpty()) {
      return items;
    }
    Map<String, KeysAndAttributes> pending =
        Map.of(config.tableName(), KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
    for (int round = 0; !pending.isEmpty(); round++) {
      if (round > config.maxRetries()) {
        throw new StoreException("DynamoDB BatchGetItem left keys unprocessed", true);
      }
      if (round > 0) {
        sleep(backoff(round - 1));
      }
      Map<String, KeysAndAttributes> request = pending;
      // Errors are retried per call; keys left unprocessed by the rounds of this loop.
      BatchGetItemResponse response =
          retrying("BatchGetItem", () -> client.batchGetItem(b -> b.requestItems(request)));
      items.addAll(response.responses().getOrDefault(config.tableName(), List.of()));
      pending = response.unprocessedKeys();
    }
    return items;
  }

  private static Map<String, AttributeValue> key(FunctionalRecord r) {
    return Map.of(
        DynamoItem.PK, AttributeValue.fromS(DynamoItem.tracePk(r.tenant(), r.traceId())),
        DynamoItem.SK, AttributeValue.fromS(DynamoItem.recordSk(r.recordId())));
  }

  /**
   * Puts {@code r}, merged with {@code earlier} (the version read before, or null), at a fresh
   * sequence unless the merge changes nothing. The put is conditioned on the stored version being
   * the one read, so two writers of one record never lose each other's fields: the loser re-reads
   * and merges again. A put acknowledged later than {@link DynamoDbStoreConfig#maxStampAge()}
   * after its stamp is stamped again, so every stored sequence was durable within that age. A
   * record whose usage is still to be counted ({@code uncounted}) is stored with its {@link
   * UsageRepair#PENDING} mark.
   */
  private Write putRecord(
      FunctionalRecord r, @Nullable FunctionalRecord earlier, Predicate<FunctionalRecord> uncounted) {
    for (int attempt = 0; ; attempt++) {
      FunctionalRecord merged = earlier == null ? r : r.filledFrom(earlier);
      String hash = DynamoItem.contentHash(merged);
      if (earlier != null && hash.equals(DynamoItem.contentHash(earlier))) {
        return new Write(merged, hash, null); // identical re-export: nothing changes, the sequence stays
      }
      String seq = seqs.next(merged.recordId());
      long stamped = System.nanoTime();
      Map<String, AttributeValue> item = DynamoItem.toItem(merged, seq);
      if (uncounted.test(merged)) {
        item.put(UsageRepair.PENDING, AttributeValue.fromS(UsageRepair.shardOf(merged.recordId())));
      }
      try {
        if (earlier == null) {
          client.putItem(b -> b.tableName(config.tableName()).item(item)
              .conditionExpression("attribute_not_exists(#pk)")
              .expressionAttributeNames(Map.of("#pk", DynamoItem.PK)));
        } else {
          AttributeValue readHash = AttributeValue.fromS(DynamoItem.contentHash(earlier));
          client.putItem(b -> b.tableName(config.tableName()).item(item)
              .conditionExpression("#h = :read")
              .expressionAttributeNames(Map.of("#h", DynamoItem.CONTENT_HASH))
              .expressionAttributeValues(Map.of(":read", readHash)));
        }
      } catch (ConditionalCheckFailedException changedSinceRead) {
        if (attempt >= config.maxRetries()) {
          throw new StoreException(
              "record " + r.recordId() + " kept changing under concurrent writes", true);
        }
        Map<String, AttributeValue> now = client.getItem(b -> b.tableName(config.tableName())
            .key(key(r)).consistentRead(true)).item();
        if (now != null && !now.isEmpty() && hash.equals(now.get(DynamoItem.CONTENT_HASH).s())) {
          // What this put writes is already there: an earlier attempt of this very put landed but
          // its answer was lost (a 500 or a timeout after the write), or another writer wrote the
          // same version. Report it as written, so listeners hear of it (re-merging would find
          // nothing new and stay silent); a version heard twice has one seq, which live
          // delivery sends once.
          return new Write(merged, hash,
              new StoredRecord(DynamoItem.fromItem(now), now.get(DynamoItem.SEQ).s()));
        }
        earlier = now == null || now.isEmpty() ? null : DynamoItem.fromItem(now);
        continue;
      }
      return new Write(merged, hash, restampIfLate(merged, item, seq, stamped));
    }
  }

  /** The stored version after re-stamping a put acknowledged too late; null if overtaken. */
  @Nullable
  private StoredRecord restampIfLate(
      FunctionalRecord r, Map<String, AttributeValue> item, String seq, long stamped) {
    for (int restamps = 0;
        System.nanoTime() - stamped > config.maxStampAge().toNanos() && restamps < 5;
        restamps++) {
      String fresh = seqs.next(r.recordId());
      stamped = System.nanoTime();
      Map<String, String> names = new HashMap<>(Map.of("#seq", DynamoItem.SEQ));
      StringBuilder set = new StringBuilder("SET #seq = :n");
      if (item.containsKey(DynamoItem.GSI2_PK)) {
        names.put("#g2", DynamoItem.GSI2_SK);
        set.append(", #g2 = :n");
      }
      if (item.containsKey(DynamoItem.GSI3_PK)) {
        names.put("#g3", DynamoItem.GSI3_SK);
        set.append(", #g3 = :n");
      }
      String old = seq;
      try {
        client.updateItem(b -> b.tableName(config.tableName())
            .key(Map.of(DynamoItem.PK, item.get(DynamoItem.PK), DynamoItem.SK, item.get(DynamoItem.SK)))
            .updateExpression(set.toString())
            .conditionExpression("#seq = :o")
            .expressionAttributeNames(names)
            .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(fresh), ":o", AttributeValue.fromS(old))));
        seq = fresh;
      } catch (ConditionalCheckFailedException overtaken) {
        return null; // a newer version replaced it; that writer reports it
      }
    }
    return new StoredRecord(r, seq);
  }

  /** Runs {@code call}, retrying retryable failures with backoff up to maxRetries. */
  <T> T retrying(String operation, Callable<T> call) {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.call();
      } catch (SdkException e) {
        StoreException failure = classify(operation, e);
        if (!failure.retryable() || attempt >= config.maxRetries()) {
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
      sleep(backoff(attempt));
    }
  }

  /** Exponential backoff with "equal jitter": a random delay in [d/2, d], d = initial * 2^attempt. */
  Duration backoff(int attempt) {
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
    QueryRequest query = traceRecordsQuery(tenant, traceId);
    return submit("Query", () -> {
      List<FunctionalRecord> records = new ArrayList<>();
      queryAll(query, item -> records.add(DynamoItem.fromItem(item)));
      records.sort(FunctionalRecord.TIMELINE);
      return records;
    });
  }

  private QueryRequest traceRecordsQuery(String tenant, String traceId) {
    String pk = DynamoItem.tracePk(tenant, traceId);
    return QueryRequest.builder()
        .tableName(config.tableName())
        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :rec)")
        .expressionAttributeNames(Map.of("#pk", DynamoItem.PK, "#sk", DynamoItem.SK))
        .expressionAttributeValues(Map.of(
            ":pk", AttributeValue.fromS(pk), ":rec", AttributeValue.fromS(DynamoItem.RECORD_PREFIX)))
        .consistentRead(true)
        .build();
  }

  /**
   * One strongly consistent Query of the trace's partition, filtered to its records, spans and
   * pass counter (markers, mode and summary are read by the writers that need them; the filter
   * saves transfer, not read capacity).
   */
  @Override
  public CompletionStage<TraceSnapshot> snapshot(String tenant, String traceId) {
    String pk;
    try {
      pk = DynamoItem.tracePk(tenant, traceId);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    QueryRequest query = QueryRequest.builder()
        .tableName(config.tableName())
        .keyConditionExpression("#pk = :pk")
        // A filter may not name the sort key: records and spans are the items with a spanId,
        // call markers have a role, the mode item a mode, the pass counter passes or a lease.
        .filterExpression("attribute_exists(#span) OR attribute_exists(#passes) OR attribute_exists(#lease)"
            + " OR attribute_exists(#role) OR attribute_exists(#mode)")
        .expressionAttributeNames(Map.of("#pk", DynamoItem.PK, "#span", "spanId", "#passes", "passes",
            "#lease", LEASE, "#role", "role", "#mode", "mode"))
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
        .consistentRead(true)
        .build();
    return submit("Query", () -> retrying("Query", () -> {
      List<FunctionalRecord> records = new ArrayList<>();
      Map<String, SpanNode> spans = new HashMap<>();
      Map<String, UsageLedger.Marker> markers = new HashMap<>();
      Map<String, AttributeValue> mode = new HashMap<>();
      long[] passes = {0};
      long[] leaseSeen = {0};
      queryAll(query, item -> {
        String sk = item.get(DynamoItem.SK).s();
        if (sk.startsWith(DynamoItem.RECORD_PREFIX)) {
          records.add(DynamoItem.fromItem(item));
        } else if (sk.startsWith(DynamoItem.SPAN_PREFIX)) {
          SpanNode span = DynamoItem.spanFromItem(item);
          spans.put(span.spanId(), span);
        } else if (sk.equals(DynamoItem.USAGE_MODE_SK)) {
          mode.putAll(item);
        } else if (sk.equals(DynamoItem.PASSES_SK)) {
          if (item.containsKey("passes")) {
            passes[0] = Long.parseLong(item.get("passes").n());
          }
          if (item.containsKey(LEASE_UNTIL)) {
            leaseSeen[0] = Long.parseLong(item.get(LEASE_UNTIL).n());
          }
        } else if (UsageAccounting.Role.CALL.name().equals(str(item, "role"))) {
          markers.put(item.get("recordId").s(), UsageLedger.Marker.fromItem(item));
        }
      });
      records.sort(FunctionalRecord.TIMELINE);
      Known known = new Known(pk, records, markers, mode, passes[0], leaseSeen[0]);
      return new TraceSnapshot(records, spans, passes[0], known);
    }));
  }

  /** BatchWriteItem, 25 spans a call, unprocessed items retried with backoff. */
  @Override
  public CompletionStage<Void> putSpans(String tenant, java.util.Collection<SpanNode> spans) {
    List<WriteRequest> writes;
    try {
      writes = spanWrites(tenant, spans);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    if (writes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return submit("BatchWriteItem", () -> {
      writeSpans(writes);
      return null;
    });
  }

  /** The puts of {@code spans}' items, one per span (the last of a span given twice). */
  private static List<WriteRequest> spanWrites(String tenant, java.util.Collection<SpanNode> spans) {
    List<WriteRequest> writes = new ArrayList<>();
    Map<String, SpanNode> unique = new LinkedHashMap<>();
    spans.forEach(span -> unique.put(span.traceId() + "/" + span.spanId(), span));
    for (SpanNode span : unique.values()) {
      Map<String, AttributeValue> item = DynamoItem.spanItem(tenant, span);
      writes.add(WriteRequest.builder().putRequest(b -> b.item(item)).build());
    }
    return writes;
  }

  /** Puts span items, 25 a call, unprocessed items retried with backoff; on the calling thread. */
  private void writeSpans(List<WriteRequest> writes) {
    for (int from = 0; from < writes.size(); from += MAX_BATCH_WRITE) {
      List<WriteRequest> part = writes.subList(from, Math.min(from + MAX_BATCH_WRITE, writes.size()));
      if (!batchWrite(part, () -> true).isEmpty()) {
        throw new StoreException("DynamoDB BatchWriteItem left spans unprocessed", true);
      }
    }
  }

  /**
   * One BatchWriteItem of {@code requests} (at most 25), then its unprocessed items again with
   * backoff, for up to {@code maxRetries} rounds and while {@code goOn} holds before each round;
   * returns what is still unwritten (empty: all of it landed).
   */
  private List<WriteRequest> batchWrite(List<WriteRequest> requests, java.util.function.BooleanSupplier goOn) {
    List<WriteRequest> pending = requests;
    for (int round = 0; !pending.isEmpty() && round <= config.maxRetries() && goOn.getAsBoolean(); round++) {
      if (round > 0) {
        sleep(backoff(round - 1));
      }
      List<WriteRequest> request = pending;
      var response = retrying("BatchWriteItem", () -> client.batchWriteItem(
          b -> b.requestItems(Map.of(config.tableName(), request))));
      pending = response.unprocessedItems().getOrDefault(config.tableName(), List.of());
    }
    return pending;
  }

  /**
   * Reads the records and their call markers (one BatchGetItem per 50 ids), then deletes each
   * existing record in one transaction with its marker and the ADDs that take its count back
   * ({@link UsageLedger}); listeners hear of the records that were there.
   */
  @Override
  public CompletionStage<Void> remove(String tenant, String traceId, java.util.Collection<String> recordIds) {
    String pk;
    try {
      pk = DynamoItem.tracePk(tenant, traceId);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(recordIds));
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return submit("TransactWriteItems", () -> {
      String w3c = io.tracebridge.mapper.TraceIds.toW3c(traceId);
      List<String> removed = new ArrayList<>();
      for (int from = 0; from < ids.size(); from += MAX_BATCH_ITEMS) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : ids.subList(from, Math.min(from + MAX_BATCH_ITEMS, ids.size()))) {
          keys.add(Map.of(DynamoItem.PK, AttributeValue.fromS(pk),
              DynamoItem.SK, AttributeValue.fromS(DynamoItem.recordSk(id))));
          keys.add(markerKey(tenant, w3c, id));
        }
        List<UsageLedger.Entry> entries = new ArrayList<>();
        Map<String, UsageLedger.Marker> markers = new HashMap<>();
        for (Map<String, AttributeValue> item : batchGet(keys)) {
          String sk = item.get(DynamoItem.SK).s();
          if (sk.startsWith(DynamoItem.RECORD_PREFIX)) {
            entries.add(new UsageLedger.Entry(DynamoItem.fromItem(item), null, true));
          } else if (UsageAccounting.Role.CALL.name().equals(str(item, "role"))) {
            markers.put(item.get("recordId").s(), UsageLedger.Marker.fromItem(item));
          }
        }
        if (!entries.isEmpty()) {
          usage.count(entries, markers, null);
          entries.forEach(e -> removed.add(e.record().recordId()));
        }
      }
      if (!removed.isEmpty()) {
        List<String> view = List.copyOf(removed);
        for (StoredRecordListener l : listeners) {
          try {
            l.removed(tenant, w3c, view);
          } catch (RuntimeException e) {
            LOG.warn("a stored-record listener failed; live delivery falls back to the store", e);
          }
        }
      }
      return null;
    });
  }

  /** One UpdateItem: ADD 1 to the trace's pass counter, returning the count before. */
  @Override
  public CompletionStage<Boolean> finishPass(String tenant, String traceId, long passesSeen) {
    String pk;
    try {
      pk = DynamoItem.tracePk(tenant, traceId);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    return submit("UpdateItem", () -> finish(pk, passesSeen, null));
  }

  /** Also releases the write lease the pass that read {@code basis} holds, in the same update. */
  @Override
  public CompletionStage<Boolean> finishPass(String tenant, String traceId, TraceSnapshot basis) {
    if (!(basis.basis() instanceof Known known) || known.lease() == null) {
      return finishPass(tenant, traceId, basis.passes());
    }
    return submit("UpdateItem", () -> finish(known.pk(), basis.passes(), known.lease()));
  }

  /**
   * One UpdateItem: ADD 1 to the trace's pass counter (releasing {@code lease} if this pass holds
   * it); true if no other pass finished since the snapshot and no other pass holds an unexpired
   * lease (its blind writes may still land over this pass's).
   */
  private boolean finish(String pk, long passesSeen, @Nullable String lease) {
    // Not retried blindly: a lost answer to an ADD that landed would count the pass twice, which
    // only costs the caller one more pass (it reads "another pass ended"); never a missed one.
    Map<String, AttributeValue> before;
    if (lease != null) {
      try {
        before = retrying("UpdateItem", () -> client.updateItem(b -> b.tableName(config.tableName())
            .key(passesKey(pk))
            .updateExpression("ADD #p :one REMOVE #lease, #until")
            .conditionExpression("#lease = :me")
            .expressionAttributeNames(Map.of("#p", "passes", "#lease", LEASE, "#until", LEASE_UNTIL))
            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":me", AttributeValue.fromS(lease)))
            .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD))).attributes();
      } catch (StoreException e) {
        if (!(e.getCause() instanceof ConditionalCheckFailedException)) {
          throw e;
        }
        finish(pk, passesSeen, null); // the lease ran out under this pass: count it, run again
        return false;
      }
    } else {
      before = retrying("UpdateItem", () -> client.updateItem(b -> b.tableName(config.tableName())
          .key(passesKey(pk))
          .updateExpression("ADD #p :one")
          .expressionAttributeNames(Map.of("#p", "passes"))
          .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
          .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD))).attributes();
    }
    if (before == null) {
      before = Map.of();
    }
    AttributeValue passes = before.get("passes");
    long seen = passes == null ? 0 : Long.parseLong(passes.n());
    if (seen != passesSeen) {
      return false;
    }
    AttributeValue holder = before.get(LEASE);
    if (holder == null || holder.s().equals(lease)) {
      return true;
    }
    AttributeValue until = before.get(LEASE_UNTIL);
    return until != null && Long.parseLong(until.n()) < System.currentTimeMillis();
  }

  /** False while the snapshot saw another pass's write lease unexpired: its blind writes may land. */
  @Override
  public boolean settled(TraceSnapshot basis) {
    return !(basis.basis() instanceof Known known) || known.settled();
  }

  @Override
  public boolean uncounted(TraceSnapshot basis, FunctionalRecord stored) {
    return basis.basis() instanceof Known known
        && UsageLedger.needsCount(stored, known.markers().get(stored.recordId()), known.mode());
  }

  /**
   * Lets this store write {@code records} from what {@code basis} (one of its own snapshots) read:
   * {@code writer.accept} runs on this thread with the basis at hand, so the store's {@link
   * #accept}, reached through any decorator that calls it on the same thread, skips the read of
   * stored versions and markers and writes fresh records in batches ({@link #writeKnown}). A
   * decorator that hands the call to another thread gets the ordinary path: the same outcome.
   */
  @Override
  public CompletionStage<Void> write(TraceSink writer, TraceSnapshot basis, List<FunctionalRecord> records) {
    if (!(basis.basis() instanceof Known known)) {
      return writer.accept(records);
    }
    KNOWN.set(known);
    try {
      return writer.accept(records);
    } finally {
      KNOWN.remove();
    }
  }

  /**
   * The spans go with the records ({@link #writeKnown}): in the same BatchWriteItem as the fresh
   * records when the pass writes some blind, else in their own, before the records' conditional
   * puts either way. If the records take the ordinary path (a decorator that hands them to another
   * thread, records of another trace), the spans are put once the records are.
   */
  @Override
  public CompletionStage<Void> write(TraceSink writer, TraceSnapshot basis, String tenant,
      java.util.Collection<SpanNode> spans, List<FunctionalRecord> records) {
    if (spans.isEmpty() || records.isEmpty() || !(basis.basis() instanceof Known known)) {
      return TraceAssemblyStore.super.write(writer, basis, tenant, spans, records);
    }
    List<WriteRequest> writes;
    try {
      writes = spanWrites(tenant, spans);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    known.spans(writes);
    CompletionStage<Void> written = write(writer, basis, records);
    List<WriteRequest> left = known.takeSpans();
    if (left == null) {
      return written; // writeKnown took them
    }
    return written.thenCompose(v -> submit("BatchWriteItem", () -> {
      writeSpans(left);
      return null;
    }));
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
    return submit("Query", () -> {
      List<FunctionalRecord> records = new ArrayList<>();
      queryAll(query, item -> records.add(DynamoItem.fromItem(item)));
      records.sort(FunctionalRecord.TIMELINE);
      return records;
    });
  }

  @Override
  public CompletionStage<List<StoredRecord>> feed(
      String tenant, FeedScope scope, String id, @Nullable String afterSeq, int limit) {
    if (scope == FeedScope.TRACE) {
      QueryRequest query = traceRecordsQuery(tenant, id);
      return submit("Query", () -> {
        List<StoredRecord> found = new ArrayList<>();
        queryAll(query, item -> {
          AttributeValue seq = item.get(DynamoItem.SEQ);
          if (seq != null && (afterSeq == null || seq.s().compareTo(afterSeq) > 0)) {
            found.add(new StoredRecord(DynamoItem.fromItem(item), seq.s()));
          }
        });
        found.sort(Comparator.comparing(StoredRecord::seq));
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
      });
    }
    String index = scope == FeedScope.SESSION ? GSI2 : GSI3;
    String pkName = scope == FeedScope.SESSION ? DynamoItem.GSI2_PK : DynamoItem.GSI3_PK;
    String skName = scope == FeedScope.SESSION ? DynamoItem.GSI2_SK : DynamoItem.GSI3_SK;
    String pk = scope == FeedScope.SESSION ? DynamoItem.sessionPk(tenant, id) : DynamoItem.agentPk(tenant, id);
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", AttributeValue.fromS(pk)));
    Map<String, String> names = new HashMap<>(Map.of("#pk", pkName));
    String condition = "#pk = :pk";
    if (afterSeq != null) {
      values.put(":after", AttributeValue.fromS(afterSeq));
      names.put("#sk", skName);
      condition += " AND #sk > :after";
    }
    QueryRequest query = QueryRequest.builder()
        .tableName(config.tableName())
        .indexName(index)
        .keyConditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .limit(limit)
        .build();
    return submit("Query", () -> {
      List<StoredRecord> found = new ArrayList<>();
      Map<String, AttributeValue> startKey = null;
      do {
        QueryResponse page = client.query(query.toBuilder().exclusiveStartKey(startKey).build());
        for (Map<String, AttributeValue> item : page.items()) {
          if (found.size() < limit) {
            found.add(new StoredRecord(DynamoItem.fromItem(item), item.get(DynamoItem.SEQ).s()));
          }
        }
        startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
            ? page.lastEvaluatedKey() : null;
      } while (startKey != null && found.size() < limit);
      return found;
    });
  }

  @Override
  public CompletionStage<TracePage> listTraces(String tenant, TraceQuery query) {
    return submit("Query", () -> summaries.list(tenant, query));
  }

  @Override
  public CompletionStage<List<UsageCell>> usage(
      String tenant, UsageKind kind, LocalDate from, LocalDate to) {
    if (to.isBefore(from) || from.plusDays(MAX_USAGE_DAYS).isBefore(to)) {
      throw new IllegalArgumentException(
          "usage range must be 1 to " + MAX_USAGE_DAYS + " days, from before to: " + from + ".." + to);
    }
    return submit("Query", () -> usage.read(tenant, kind, from, to));
  }

  void queryAll(QueryRequest query, java.util.function.Consumer<Map<String, AttributeValue>> each) {
    Map<String, AttributeValue> startKey = null;
    do {
      QueryResponse page = client.query(query.toBuilder().exclusiveStartKey(startKey).build());
      page.items().forEach(each);
      startKey =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (startKey != null);
  }

  DynamoDbClient client() {
    return client;
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
    repairTimer.shutdownNow();
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

  static void sleep(Duration duration) {
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
