package io.tracebridge.store.dynamodb;

import io.tracebridge.aws.RetryCounter;
import io.tracebridge.aws.TransportRetryPolicy;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.StoredRecordListener;
import io.tracebridge.store.TraceAssemblyStore;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceSink;
import io.tracebridge.store.TraceSnapshot;
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.StoredListeners.Heard;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A {@link TraceStore} over one DynamoDB table (key design in the package documentation), and the
 * facade over the pieces that do the work, each built here and handed what it needs, none calling
 * back: {@link TableSetup} (DDL, migration), {@link StoreExecutor} (pool, retries, error
 * classification), {@link RecordWriter} with {@link RecordPuts}, {@link SpanItems} and {@link
 * WriteLease} (writes), {@link RecordReader} (reads, feeds), {@link TraceSummaries}, {@link
 * UsageLedger} and {@link UsageRepair} (usage), {@link StoredListeners} (live).
 *
 * <p><b>Threading.</b> Thread-safe. The synchronous SDK client runs on a fixed-size pool of daemon
 * threads ({@code tracebridge-dynamodb-N}, {@link DynamoDbStoreConfig#writeThreads()}) with a
 * bounded queue: callers get {@link CompletionStage}s, completed on a pool thread, and never block.
 * {@link #create} and {@link #ensureTable()} block and belong to start-up.
 *
 * <p><b>Writes.</b> {@link #accept} completes only when every record, its trace summary and its
 * usage are written: deduped by key (last wins), grouped by trace, chunks of 8 in parallel, each
 * record a PutItem conditioned on its content hash (an identical re-export writes nothing and keeps
 * its ingest sequence), usage counted by {@link UsageLedger} transactions and repaired after a crash
 * by {@link UsageRepair}. An assembly pass that hands its snapshot back ({@link #write}) writes per
 * trace, fresh records without usage to count blind under the trace's write lease (README,
 * "Batched fresh writes and the write lease"). The {@link StoredRecordListener}s are told once per
 * call, with every version it made durable in timeline order, before its stage completes. Failures
 * are {@link StoreException}s, retryable or permanent (README, "Errors"); a failed batch may be
 * partly written, and writing it again is safe.
 *
 * <p><b>Time.</b> Ingest stamps, the re-stamp of a late write ({@link
 * DynamoDbStoreConfig#maxStampAge()}), lease expiry and the repair's grace come from the {@link
 * Clock} given to {@link #create(DynamoDbClient, DynamoDbStoreConfig, Clock)} (default: the system
 * clock, UTC).
 *
 * <p><b>Reads.</b> Trace queries are strongly consistent; session queries read the {@code
 * bySession} index, eventually consistent. Results are new lists in {@link
 * FunctionalRecord#TIMELINE} order. <b>Ownership.</b> The caller closes the {@link DynamoDbClient}
 * after {@link #shutdown()}.
 */
public final class DynamoDbTraceStore implements TraceStore, TraceAssemblyStore {
  /** Name of the global secondary index over {@code gsi1pk} / {@code gsi1sk}. */
  public static final String SESSION_INDEX = TableSetup.SESSION_INDEX;
  /** Overloaded index: a session's records by ingest sequence; an agent's trace summaries. */
  public static final String GSI2 = TableSetup.GSI2;
  /** Overloaded index: an agent's records by ingest sequence; a tenant's trace summaries. */
  public static final String GSI3 = TableSetup.GSI3;
  /** The longest usage query, in days. */
  public static final int MAX_USAGE_DAYS = 366;
  /** Records per write task: a trace's records are written in chunks of this many, in parallel. */
  static final int MAX_BATCH_ITEMS = RecordWriter.MAX_BATCH_ITEMS;
  /** The basis of the pass whose writer is calling {@link #accept} on this thread ({@link #write}). */
  private static final ThreadLocal<SnapshotBasis> KNOWN = new ThreadLocal<>();

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTraceStore.class);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private final DynamoDbStoreConfig config;
  private final DynamoDbStoreStats stats = new DynamoDbStoreStats();
  private final StoreExecutor executor;
  private final TableSetup table;
  private final StoredListeners listeners = new StoredListeners();
  private final SpanItems spanItems;
  private final WriteLease lease;
  private final RecordWriter writer;
  private final RecordReader reader;
  private final RecordRemoval removal;
  private final UsageLedger ledger;
  private final UsageRepair repair;
  private final RepairSchedule repairs;
  private final AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();

  private DynamoDbTraceStore(DynamoDbClient client, DynamoDbStoreConfig config, Clock clock) {
    this.config = config;
    String name = config.tableName();
    this.executor = new StoreExecutor(config, stats, ClientFactory.retriesTransport(client));
    this.table = new TableSetup(client, config);
    ItemReads reads = new ItemReads(client, config, executor);
    TraceSummaries summaries = new TraceSummaries(client, name);
    this.ledger = new UsageLedger(client, config, executor, stats);
    this.spanItems = new SpanItems(client, config, executor);
    this.lease = new WriteLease(client, name, executor, clock, stats);
    this.writer = new RecordWriter(reads, new RecordPuts(client, config, clock, stats), spanItems,
        lease, summaries, ledger, executor, stats);
    this.reader = new RecordReader(client, name, reads, new TraceLists(client, name), executor);
    this.removal = new RecordRemoval(reads, ledger, listeners, executor);
    this.repair = new UsageRepair(client, name, reads, summaries, ledger, executor, clock, stats);
    this.repairs = new RepairSchedule(repair, executor, stats);
  }

  /**
   * A store over {@code client}, with its table made ready by {@link #ensureTable()} and, unless
   * {@link DynamoDbStoreConfig#repairUsage()} is off, the usage crashed writers left uncounted
   * counted ({@link UsageRepair}: one pass now, then one every {@link
   * DynamoDbStoreConfig#usageRepairInterval()}). Blocks while the table is checked (and created)
   * and the first pass runs; call it at start-up, not on an event loop. Time is the system clock's.
   *
   * @throws StoreException if the table is missing and may not be created, has no {@value
   *     #SESSION_INDEX} index, or does not become ACTIVE in time
   */
  public static DynamoDbTraceStore create(DynamoDbClient client, DynamoDbStoreConfig config) {
    return create(client, config, Clock.systemUTC());
  }

  /**
   * {@link #create(DynamoDbClient, DynamoDbStoreConfig)} with time from {@code clock}: ingest
   * stamps, the re-stamp of writes acknowledged after {@link DynamoDbStoreConfig#maxStampAge()},
   * write lease expiry and the repair's grace (tests drive them with a clock of their own).
   */
  public static DynamoDbTraceStore create(DynamoDbClient client, DynamoDbStoreConfig config, Clock clock) {
    DynamoDbTraceStore store = new DynamoDbTraceStore(client, config, Objects.requireNonNull(clock, "clock"));
    try {
      store.ensureTable();
    } catch (RuntimeException e) {
      store.executor.shutdownNow();
      store.repairs.stop();
      throw e;
    }
    if (config.repairUsage()) {
      store.repairs.runNow(Duration.ZERO);
    }
    if (config.repairUsage() && !config.usageRepairInterval().isZero()) {
      store.repairs.every(config.usageRepairInterval(), config.usageRepairGrace());
    }
    LOG.info("DynamoDB trace store ready: {}", config);
    return store;
  }

  /** The repair of usage left uncounted by a crash; for tests. */
  UsageRepair usageRepair() {
    return repair;
  }

  /** The write-time usage counter; for tests. */
  UsageLedger usageLedger() {
    return ledger;
  }

  /** This store's counters ({@link DynamoDbStoreStats}), live, readable from any thread. */
  public DynamoDbStoreStats stats() {
    return stats;
  }

  /** {@link #defaultClient(Optional, String, int)} for {@link DynamoDbStoreConfig#NODE_WRITE_THREADS}. */
  public static DynamoDbClient defaultClient(Optional<URI> endpointOverride, String region) {
    return defaultClient(endpointOverride, region, DynamoDbStoreConfig.NODE_WRITE_THREADS);
  }

  /**
   * A production client: {@link #httpClientBuilder(int)} for {@code storeThreads}, the default
   * credentials chain, {@code region}, {@code endpointOverride} if given (DynamoDB Local as a
   * server, a VPC endpoint), and for transport failures the SDK's standard retry strategy with the
   * store's default attempts and backoff ({@link #transportRetries()}); the store then loops only
   * where the application decides. The caller owns and closes it.
   */
  public static DynamoDbClient defaultClient(
      Optional<URI> endpointOverride, String region, int storeThreads) {
    return ClientFactory.defaultClient(endpointOverride, region, storeThreads);
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
    return ClientFactory.httpClientBuilder(storeThreads);
  }

  /**
   * aws-support's retry policy with {@code config}'s attempts and backoff, for a client built
   * elsewhere ({@code transportRetries(c).clientOverride(sdkRetries())}): a store over a client that
   * retries leaves transport failures to it; over one with retries off, it retries them itself.
   */
  public static TransportRetryPolicy transportRetries(DynamoDbStoreConfig config) {
    return ClientFactory.policy(config);
  }

  /** {@link #transportRetries(DynamoDbStoreConfig)} for the default configuration. */
  public static TransportRetryPolicy transportRetries() {
    return ClientFactory.policy(DynamoDbStoreConfig.defaults());
  }

  /** Retries the SDK made on clients built by {@link #defaultClient} (process-wide). */
  public static RetryCounter sdkRetries() {
    return ClientFactory.SDK_RETRIES;
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
    table.ensureTable();
  }

  @Override
  public void addListener(StoredRecordListener listener) {
    listeners.add(listener);
  }

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Heard heard = new Heard(records);
    return listeners.tellWhenDone(writer.accept(records, KNOWN.get(), heard), heard);
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
    return reader.findByTrace(tenant, traceId);
  }

  @Override
  public CompletionStage<TraceSnapshot> snapshot(String tenant, String traceId) {
    return reader.snapshot(tenant, traceId);
  }

  /** BatchWriteItem, 25 spans a call, unprocessed items retried with backoff. */
  @Override
  public CompletionStage<Void> putSpans(String tenant, Collection<SpanNode> spans) {
    List<WriteRequest> writes;
    try {
      writes = SpanItems.spanWrites(tenant, spans);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    if (writes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return executor.submit("BatchWriteItem", () -> {
      spanItems.writeSpans(writes);
      return null;
    });
  }

  /**
   * Reads the records and their call markers, then deletes each existing record in one
   * transaction with its marker and the ADDs that take its count back ({@link RecordRemoval});
   * listeners hear of the records that were there.
   */
  @Override
  public CompletionStage<Void> remove(String tenant, String traceId, Collection<String> recordIds) {
    return removal.remove(tenant, traceId, recordIds);
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
    return executor.submit("UpdateItem", () -> lease.finish(pk, passesSeen, null));
  }

  /** Also releases the write lease the pass that read {@code basis} holds, in the same update. */
  @Override
  public CompletionStage<Boolean> finishPass(String tenant, String traceId, TraceSnapshot basis) {
    if (!(basis.basis() instanceof SnapshotBasis known) || known.lease() == null) {
      return finishPass(tenant, traceId, basis.passes());
    }
    return executor.submit("UpdateItem", () -> lease.finish(known.pk(), basis.passes(), known.lease()));
  }

  /** False while the snapshot saw another pass's write lease unexpired: its blind writes may land. */
  @Override
  public boolean settled(TraceSnapshot basis) {
    return !(basis.basis() instanceof SnapshotBasis known) || lease.settled(known);
  }

  @Override
  public boolean uncounted(TraceSnapshot basis, FunctionalRecord stored) {
    return basis.basis() instanceof SnapshotBasis known
        && UsageLedger.needsCount(stored, known.markers().get(stored.recordId()), known.mode());
  }

  /**
   * Lets this store write {@code records} from what {@code basis} (one of its own snapshots) read:
   * {@code writer.accept} runs on this thread with the basis at hand, so the store's {@link
   * #accept}, reached through any decorator that calls it on the same thread, skips the read of
   * stored versions and markers and writes fresh records in batches ({@link
   * RecordWriter#writeKnown}). A decorator that hands the call to another thread gets the
   * ordinary path: the same outcome.
   */
  @Override
  public CompletionStage<Void> write(TraceSink writer, TraceSnapshot basis, List<FunctionalRecord> records) {
    if (!(basis.basis() instanceof SnapshotBasis known)) {
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
   * The spans go with the records ({@link RecordWriter#writeKnown}): in the same BatchWriteItem as
   * the fresh records when the pass writes some blind, else in their own, before the records'
   * conditional puts either way. If the records take the ordinary path (a decorator that hands
   * them to another thread, records of another trace), the spans are put once the records are.
   */
  @Override
  public CompletionStage<Void> write(TraceSink writer, TraceSnapshot basis, String tenant,
      Collection<SpanNode> spans, List<FunctionalRecord> records) {
    if (spans.isEmpty() || records.isEmpty() || !(basis.basis() instanceof SnapshotBasis known)) {
      return TraceAssemblyStore.super.write(writer, basis, tenant, spans, records);
    }
    List<WriteRequest> writes;
    try {
      writes = SpanItems.spanWrites(tenant, spans);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    known.spans(writes);
    CompletionStage<Void> written = write(writer, basis, records);
    List<WriteRequest> left = known.takeSpans();
    if (left == null) {
      return written; // writeKnown took them
    }
    return written.thenCompose(v -> executor.submit("BatchWriteItem", () -> {
      spanItems.writeSpans(left);
      return null;
    }));
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId) {
    return reader.findBySession(tenant, sessionId);
  }

  @Override
  public CompletionStage<List<StoredRecord>> feed(
      String tenant, FeedScope scope, String id, @Nullable String afterSeq, int limit) {
    return reader.feed(tenant, scope, id, afterSeq, limit);
  }

  @Override
  public CompletionStage<TracePage> listTraces(String tenant, TraceQuery query) {
    return reader.listTraces(tenant, query);
  }

  @Override
  public CompletionStage<List<UsageCell>> usage(
      String tenant, UsageKind kind, LocalDate from, LocalDate to) {
    if (to.isBefore(from) || from.plusDays(MAX_USAGE_DAYS).isBefore(to)) {
      throw new IllegalArgumentException(
          "usage range must be 1 to " + MAX_USAGE_DAYS + " days, from before to: " + from + ".." + to);
    }
    return reader.usage(tenant, kind, from, to);
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
    repairs.stop();
    Thread waiter =
        new Thread(
            () -> {
              try {
                executor.shutdown(SHUTDOWN_TIMEOUT);
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
}
