package io.tracebridge.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TraceSnapshot;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The rules time decides in the store, driven by a {@link MutableClock} given to {@link
 * DynamoDbTraceStore#create(DynamoDbClient, DynamoDbStoreConfig, java.time.Clock)}: a write
 * acknowledged later than {@code maxStampAge} after its stamp is stamped again (the clock moves
 * while DynamoDB Local holds the write: a dynamic proxy over the real client advances it as the
 * call goes through), one acknowledged within it keeps its stamp, so a reader that treats stamps
 * older than its settle window as closed misses nothing; and a write lease seen on a snapshot
 * expires by the clock. No sleeps, no timed assertions.
 */
class StoreClockIT {
  private static final String TABLE = "store-clock";
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration MAX_STAMP_AGE = Duration.ofSeconds(2);
  private static AmazonDynamoDBLocal local;

  private final String tenant = RecordFixtures.newTenant();
  private final MutableClock clock = new MutableClock(T0);
  private final List<DynamoDbTraceStore> stores = new ArrayList<>();
  private final List<StoredRecord> heard = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startDynamoDbLocal() {
    local = DynamoDBEmbedded.create(true); // true disables telemetry
  }

  @AfterAll
  static void stopDynamoDbLocal() {
    local.shutdown();
  }

  @AfterEach
  void shutdownStores() throws Exception {
    for (DynamoDbTraceStore store : stores) {
      store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPutAcknowledgedLaterThanMaxStampAgeIsStampedAgainInTheTableAndItsFeeds() throws Exception {
    DynamoDbTraceStore store = newStore(slowing("putItem", Duration.ofSeconds(3)), MAX_STAMP_AGE);
    FunctionalRecord record = oneRecord();

    await(store.accept(List.of(record)));

    long acknowledged = nanos(clock.instant());
    String seq = onlyVersion(store, FeedScope.TRACE, record.traceId());
    assertThat(IngestSeq.stampNanos(seq)).as("stamped again when acknowledged").isGreaterThanOrEqualTo(acknowledged);
    assertThat(onlyVersion(store, FeedScope.SESSION, record.sessionId())).as("the session feed's key").isEqualTo(seq);
    assertThat(onlyVersion(store, FeedScope.AGENT, record.agentId())).as("the agent feed's key").isEqualTo(seq);
    assertThat(heard).extracting(StoredRecord::seq).as("heard once, at its new stamp").containsExactly(seq);
    assertThat(store.stats().restamps()).isEqualTo(1);
  }

  @Test
  void aPutAcknowledgedWithinMaxStampAgeKeepsItsStamp() throws Exception {
    DynamoDbTraceStore store = newStore(slowing("putItem", Duration.ofSeconds(3)), Duration.ofSeconds(5));
    FunctionalRecord record = oneRecord();

    await(store.accept(List.of(record)));

    String seq = onlyVersion(store, FeedScope.TRACE, record.traceId());
    assertThat(IngestSeq.stampNanos(seq)).as("the stamp taken before the put").isEqualTo(nanos(T0));
    assertThat(heard).extracting(StoredRecord::seq).containsExactly(seq);
    assertThat(store.stats().restamps()).isZero();
  }

  /**
   * The settle window's premise on the assembly path (a fresh record in the blind BatchWriteItem
   * under the lease): a reader that, when the write is acknowledged, resumes a feed after the
   * watermark {@code now − W} with W just over {@code maxStampAge} still finds the version.
   * Without the re-stamp its stamp (T0) would lie behind the watermark (T0 + 0.5 s): missed.
   */
  @Test
  void aReaderClosingStampsOlderThanItsSettleWindowMissesNoLateBatchedWrite() throws Exception {
    Duration settleWindow = MAX_STAMP_AGE.plusMillis(500);
    DynamoDbTraceStore store = newStore(slowing("batchWriteItem", Duration.ofSeconds(3)), MAX_STAMP_AGE);
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord fresh = RecordFixtures.minimal(tenant, traceId, 0, RecordFixtures.BASE_TIME)
        .type(RecordType.MODEL_REQUEST).text("no usage to count: written blind").build();
    TraceSnapshot snapshot = await(store.snapshot(tenant, traceId));

    await(store.write(store, snapshot, List.of(fresh)));

    String watermark = IngestSeq.floor(nanos(clock.instant().minus(settleWindow)));
    List<StoredRecord> resumed = await(store.feed(tenant, FeedScope.TRACE, traceId, watermark, 10));
    assertThat(resumed).extracting(StoredRecord::record).containsExactly(fresh);
    assertThat(heard).extracting(StoredRecord::seq).containsExactly(resumed.get(0).seq());
    assertThat(store.stats().restamps()).isEqualTo(1);
  }

  @Test
  void aWriteLeaseSeenOnASnapshotExpiresByTheStoreClock() throws Exception {
    DynamoDbTraceStore a = newStore(local.dynamoDbClient(), MAX_STAMP_AGE);
    DynamoDbTraceStore b = newStore(local.dynamoDbClient(), MAX_STAMP_AGE);
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord fresh = RecordFixtures.minimal(tenant, traceId, 0, RecordFixtures.BASE_TIME)
        .type(RecordType.MODEL_REQUEST).build();
    await(a.write(a, await(a.snapshot(tenant, traceId)), List.of(fresh))); // A holds the lease now
    TraceSnapshot seenByB = await(b.snapshot(tenant, traceId));

    assertThat(b.settled(seenByB)).as("A's lease has not run out").isFalse();
    clock.advance(WriteLease.LEASE_TIME);
    assertThat(b.settled(seenByB)).as("still not: it ends after its 2 s").isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(b.settled(seenByB)).as("run out by the clock").isTrue();
    assertThat(a.stats().leaseClaims()).isEqualTo(1);
  }

  private FunctionalRecord oneRecord() {
    return RecordFixtures.trace(tenant, RecordFixtures.newTraceId(), RecordFixtures.newSessionId(), 1,
        RecordFixtures.BASE_TIME).get(0);
  }

  private DynamoDbTraceStore newStore(DynamoDbClient client, Duration maxStampAge) {
    DynamoDbTraceStore store = DynamoDbTraceStore.create(client, DynamoDbStoreConfig.builder()
        .tableName(TABLE).maxStampAge(maxStampAge).usageRepairInterval(Duration.ZERO).build(), clock);
    store.addListener(heard::addAll);
    stores.add(store);
    return store;
  }

  /** DynamoDB Local's client, with the clock moved by {@code by} while the first {@code operation} is in flight. */
  private DynamoDbClient slowing(String operation, Duration by) {
    DynamoDbClient delegate = local.dynamoDbClient();
    AtomicBoolean once = new AtomicBoolean();
    InvocationHandler handler = (proxy, method, args) -> {
      if (args != null && args.length == 1 && args[0] instanceof Consumer<?>) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      } finally {
        if (method.getName().equals(operation) && once.compareAndSet(false, true)) {
          clock.advance(by); // acknowledged this much after it was sent
        }
      }
    };
    return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbClient.class}, handler);
  }

  private String onlyVersion(DynamoDbTraceStore store, FeedScope scope, String id) throws Exception {
    List<StoredRecord> feed = await(store.feed(tenant, scope, id, null, 10));
    assertThat(feed).hasSize(1);
    return feed.get(0).seq();
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
