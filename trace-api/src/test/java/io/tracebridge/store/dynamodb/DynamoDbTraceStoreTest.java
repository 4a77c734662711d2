package io.tracebridge.store.dynamodb;

import static io.tracebridge.store.RecordFixtures.BASE_TIME;
import static io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.disconnect;
import static io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.forwardThenError;
import static io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.throttled;
import static io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.transactionCanceled;
import static io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.unprocessedKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.Action;
import io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.Call;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Batching, retries and error classification over the real DynamoDB wire protocol: the store's
 * SDK client (URL-connection HTTP, SDK retries off, so the store's own retries are what runs) talks
 * to a {@link FaultInjectingDynamoDbProxy} in front of DynamoDB Local, started in-process as an HTTP
 * server on loopback. The proxy injects what DynamoDB Local never produces (throttling, 5xx,
 * dropped connections, unprocessed BatchGetItem keys, transaction conflicts, slow calls) as
 * DynamoDB's own error documents, and logs what the store sent; everything else is written to and
 * read back from DynamoDB Local. All tests share one table and tell their records apart by tenant
 * and trace.
 */
class DynamoDbTraceStoreTest {
  private static final String TABLE = "store-test-records";
  private static final DynamoDbStoreConfig FAST_RETRIES =
      DynamoDbStoreConfig.builder()
          .tableName(TABLE)
          .maxRetries(3)
          .initialBackoff(Duration.ofMillis(1))
          .maxBackoff(Duration.ofMillis(4))
          .build();
  private static final int ATTEMPTS = 1 + FAST_RETRIES.maxRetries();
  private static final LocalDate DAY = LocalDate.ofInstant(BASE_TIME, ZoneOffset.UTC);

  private static DynamoDbLocalServer dynamoDbLocal;
  private static URI dynamoDbLocalEndpoint;
  private static FaultInjectingDynamoDbProxy proxy;
  private static DynamoDbClient client;

  private final String tenant = RecordFixtures.newTenant();
  private final List<DynamoDbTraceStore> stores = new ArrayList<>();
  private final List<StoredRecord> heard = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startDynamoDbLocalAndProxy() throws Exception {
    dynamoDbLocal = DynamoDbLocalServer.start();
    dynamoDbLocalEndpoint = dynamoDbLocal.endpoint();
    proxy = FaultInjectingDynamoDbProxy.start(dynamoDbLocalEndpoint);
    client = client(proxy.endpoint());
    // The first store creates the table (through the proxy); the others find it.
    DynamoDbTraceStore.create(client, FAST_RETRIES).shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void resetProxy() {
    proxy.reset();
  }

  @AfterAll
  static void stopProxyAndDynamoDbLocal() throws Exception {
    if (client != null) {
      client.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (dynamoDbLocal != null) {
      dynamoDbLocal.close();
    }
  }

  @AfterEach
  void shutdownStores() throws Exception {
    proxy.reset(); // lets held requests go before the stores wait for them
    for (DynamoDbTraceStore store : stores) {
      store.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void batchesAreDedupedByKeyLastWinsAndEachRecordIsOneConditionalPut() throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    List<FunctionalRecord> records = records(60);
    FunctionalRecord rewritten = records.get(0).toBuilder().text("last wins").build();

    await(store.accept(Stream.concat(records.stream(), Stream.of(rewritten)).toList()));

    List<FunctionalRecord> expected = new ArrayList<>(records);
    expected.set(0, rewritten);
    List<Call> puts = proxy.calls("PutItem");
    assertThat(puts).hasSize(60).allSatisfy(put -> {
      assertThat(put.status()).isEqualTo(200);
      assertThat(put.body().path("TableName").asText()).isEqualTo(TABLE);
      assertThat(put.body().path("ConditionExpression").asText()).isEqualTo("attribute_not_exists(#pk)");
    });
    assertThat(puts).extracting(put -> put.itemString("recordId"))
        .containsExactlyInAnyOrderElementsOf(expected.stream().map(FunctionalRecord::recordId).toList());
    assertThat(puts).filteredOn(put -> rewritten.recordId().equals(put.itemString("recordId")))
        .singleElement()
        .satisfies(put -> assertThat(put.itemString("text")).isEqualTo("last wins"));
    assertThat(proxy.calls("BatchGetItem")).as("60 records of one trace: chunks of 8").hasSize(8);

    assertThat(await(store.findByTrace(tenant, traceOf(records)))).containsExactlyElementsOf(expected);
    assertThat(heard).extracting(StoredRecord::record).containsExactlyInAnyOrderElementsOf(expected);
  }

  static Stream<Arguments> transientErrors() {
    return Stream.of(
        Arguments.of(Named.of("ProvisionedThroughputExceededException 400", throttled()), 400),
        Arguments.of(Named.of("ThrottlingException 400", throttling()), 400),
        Arguments.of(Named.of("RequestLimitExceeded 400", requestLimitExceeded()), 400),
        Arguments.of(Named.of("InternalServerError 500", internalServerError()), 500),
        Arguments.of(Named.of("ServiceUnavailable 503", serviceUnavailable()), 503),
        Arguments.of(Named.of("connection dropped", disconnect()), -1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transientErrors")
  void aRetryableErrorThatClearsUpIsRetriedUntilWrittenAndStoredOnce(Action error, int status)
      throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("PutItem").times(2).reply(error);
    List<FunctionalRecord> records = records(5);

    await(store.accept(records));

    List<Call> puts = proxy.calls("PutItem");
    assertThat(puts).extracting(put -> put.itemString("recordId"), Call::status)
        .as("the first put refused twice, then all five written")
        .containsExactly(
            tuple(records.get(0).recordId(), status),
            tuple(records.get(0).recordId(), status),
            tuple(records.get(0).recordId(), 200),
            tuple(records.get(1).recordId(), 200),
            tuple(records.get(2).recordId(), 200),
            tuple(records.get(3).recordId(), 200),
            tuple(records.get(4).recordId(), 200));
    assertThat(await(store.findByTrace(tenant, traceOf(records)))).containsExactlyElementsOf(records);
    assertThat(await(store.feed(tenant, FeedScope.TRACE, traceOf(records), null, 100)))
        .extracting(StoredRecord::record).containsExactlyInAnyOrderElementsOf(records);
    assertThat(heard).as("each record reported once").extracting(StoredRecord::record)
        .containsExactlyInAnyOrderElementsOf(records);
  }

  @Test
  void aPutStillThrottledAfterMaxRetriesFailsRetryablyAndNothingIsStored() throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("PutItem").reply(throttled());
    List<FunctionalRecord> records = records(5);

    assertThatThrownBy(() -> await(store.accept(records)))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getCause()).isInstanceOfSatisfying(ProvisionedThroughputExceededException.class,
              cause -> assertThat(cause.awsErrorDetails().errorCode())
                  .isEqualTo("ProvisionedThroughputExceededException"));
        })
        .hasMessageContaining("provisioned throughput");
    assertThat(proxy.calls("PutItem")).hasSize(ATTEMPTS)
        .extracting(put -> put.itemString("recordId"))
        .containsOnly(records.get(0).recordId());
    assertThat(await(store.findByTrace(tenant, traceOf(records)))).isEmpty();
    assertThat(heard).isEmpty();
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        classified("ProvisionedThroughputExceededException 400", throttled(), true,
            ProvisionedThroughputExceededException.class),
        classified("ThrottlingException 400", throttling(), true, ThrottlingException.class),
        classified("RequestLimitExceeded 400", requestLimitExceeded(), true,
            RequestLimitExceededException.class),
        classified("InternalServerError 500", internalServerError(), true,
            InternalServerErrorException.class),
        classified("ServiceUnavailable 503", serviceUnavailable(), true, DynamoDbException.class),
        classified("connection dropped (SdkClientException)", disconnect(), true,
            SdkClientException.class),
        classified("ValidationException 400", validation(), false, DynamoDbException.class),
        classified("ResourceNotFoundException 400",
            FaultInjectingDynamoDbProxy.error(400, "ResourceNotFoundException",
                "Requested resource not found"),
            false, ResourceNotFoundException.class),
        classified("AccessDeniedException 400",
            FaultInjectingDynamoDbProxy.error(400, "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/test is not authorized to perform: "
                    + "dynamodb:PutItem on resource: table/" + TABLE),
            false, DynamoDbException.class),
        classified("UnrecognizedClientException 400",
            FaultInjectingDynamoDbProxy.error(400, "UnrecognizedClientException",
                "The security token included in the request is invalid."),
            false, DynamoDbException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void errorsOnTheWireAreClassified(Action answer, boolean retryable, Class<? extends SdkException> parsedAs)
      throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("PutItem").reply(answer);
    List<FunctionalRecord> records = records(2);

    assertThatThrownBy(() -> await(store.accept(records)))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isEqualTo(retryable);
          assertThat(e.getCause()).isInstanceOf(parsedAs);
          if (parsedAs == DynamoDbException.class) {
            assertThat(e.getCause()).isExactlyInstanceOf(DynamoDbException.class);
          }
          if (e.getCause() instanceof AwsServiceException service) {
            Call put = proxy.calls("PutItem").get(0);
            assertThat(service.statusCode()).isEqualTo(put.status());
            assertThat(service.awsErrorDetails().errorCode()).isNotBlank();
          }
        });
    assertThat(proxy.calls("PutItem")).hasSize(retryable ? ATTEMPTS : 1);
    assertThat(await(store.findByTrace(tenant, traceOf(records)))).isEmpty();
  }

  @Test
  void aRefusedConnectionIsRetryable() throws Exception {
    FaultInjectingDynamoDbProxy doomed = FaultInjectingDynamoDbProxy.start(dynamoDbLocalEndpoint);
    try (DynamoDbClient doomedClient = client(doomed.endpoint())) {
      DynamoDbTraceStore store = newStore(doomedClient, FAST_RETRIES);
      doomed.close(); // nothing listens on its port any more

      assertThatThrownBy(() -> await(store.accept(records(2))))
          .isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.getCause()).isInstanceOf(SdkClientException.class)
                .hasRootCauseInstanceOf(ConnectException.class);
          });
    } finally {
      doomed.close();
    }
  }

  @Test
  void aPermanentFailureInOneChunkMakesTheWholeBatchPermanent() {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("PutItem").once().reply(validation());
    proxy.on("PutItem").reply(throttled());

    assertThatThrownBy(() -> await(store.accept(records(30))))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(((AwsServiceException) e.getCause()).awsErrorDetails().errorCode())
              .isEqualTo("ValidationException");
          // 30 records are 4 chunks: one permanent failure, the others retryable, suppressed
          assertThat(e.getSuppressed()).hasSize(3).allSatisfy(s -> assertThat(s)
              .isInstanceOfSatisfying(StoreException.class, r -> assertThat(r.retryable()).isTrue()));
        });
    assertThat(proxy.calls("PutItem")).hasSize(1 + 3 * ATTEMPTS);
  }

  @Test
  void aChunkFailingPermanentlyLeavesTheOtherChunksStoredAndAnExportAgainCompletesIt()
      throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    List<FunctionalRecord> records = records(30);
    List<FunctionalRecord> thirdChunk = records.subList(16, 24);
    String poisoned = thirdChunk.get(0).recordId();
    proxy.on("PutItem").when(put -> poisoned.equals(put.itemString("recordId"))).once()
        .reply(validation());

    assertThatThrownBy(() -> await(store.accept(records)))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getSuppressed()).isEmpty();
        });
    List<FunctionalRecord> others = new ArrayList<>(records);
    others.removeAll(thirdChunk);
    assertThat(await(store.findByTrace(tenant, traceOf(records)))).containsExactlyElementsOf(others);

    proxy.reset();
    await(store.accept(records));

    assertThat(proxy.calls("PutItem")).as("only the chunk that failed is written")
        .extracting(put -> put.itemString("recordId"))
        .containsExactlyElementsOf(thirdChunk.stream().map(FunctionalRecord::recordId).toList());
    assertThat(proxy.calls("TransactWriteItems")).as("and only its usage counted").hasSize(1);
    assertThat(await(store.findByTrace(tenant, traceOf(records)))).containsExactlyElementsOf(records);
    assertThat(usageOfTrace(store, records)).isEqualTo(total(records));
  }

  @Test
  void aPutWhoseAnswerWasLostIsRetriedWithoutWritingTwice() throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("PutItem").once()
        .reply(forwardThenError(500, "InternalServerError", "Internal server error"));
    List<FunctionalRecord> records = records(2);

    await(store.accept(records));

    assertThat(proxy.calls("PutItem")).extracting(put -> put.itemString("recordId"), Call::status)
        .as("written but answered 500; the retry's condition fails; then the second record")
        .containsExactly(
            tuple(records.get(0).recordId(), 500),
            tuple(records.get(0).recordId(), 400),
            tuple(records.get(1).recordId(), 200));
    assertThat(proxy.calls("GetItem")).extracting(get -> get.body().path("Key").path("sk").path("S").asText())
        .contains(DynamoItem.recordSk(records.get(0).recordId()));
    assertThat(await(store.findByTrace(tenant, traceOf(records)))).containsExactlyElementsOf(records);
    List<StoredRecord> feed = await(store.feed(tenant, FeedScope.TRACE, traceOf(records), null, 100));
    assertThat(feed).hasSize(2);
    assertThat(heard).as("the write whose answer was lost is still reported, with its stored seq")
        .containsExactlyInAnyOrderElementsOf(feed);
    assertThat(usageOfTrace(store, records)).isEqualTo(total(records));
  }

  @Test
  void aFullQueueFailsFastAndRetryably() throws Exception {
    DynamoDbTraceStore store =
        newStore(FAST_RETRIES.toBuilder().writeThreads(1).queueCapacity(1).build());
    FaultInjectingDynamoDbProxy.Hold hold = proxy.hold();
    proxy.on("BatchGetItem").once().reply(hold);
    List<FunctionalRecord> first = records(1);
    List<FunctionalRecord> second = records(1);
    List<FunctionalRecord> third = records(1);

    CompletionStage<Void> running = store.accept(first);
    hold.awaitArrivals(1); // the only write thread is inside a DynamoDB call
    CompletionStage<Void> queued = store.accept(second);
    CompletionStage<Void> rejected = store.accept(third);

    assertThat(rejected.toCompletableFuture()).as("fails at once, not after the held call")
        .isCompletedExceptionally();
    assertThatThrownBy(() -> await(rejected))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("busy");
    assertThat(running.toCompletableFuture()).isNotDone();
    assertThat(queued.toCompletableFuture()).isNotDone();
    assertThat(proxy.calls()).extracting(Call::operation).containsExactly("BatchGetItem");

    hold.release();
    await(running);
    await(queued);

    assertThat(await(store.findByTrace(tenant, traceOf(first)))).containsExactlyElementsOf(first);
    assertThat(await(store.findByTrace(tenant, traceOf(second)))).containsExactlyElementsOf(second);
    assertThat(await(store.findByTrace(tenant, traceOf(third)))).isEmpty();
  }

  @Test
  void missingTableFailsAtCreateWhenCreationIsOff() {
    String table = "missing-" + UUID.randomUUID();

    assertThatThrownBy(() -> DynamoDbTraceStore.create(
            client, FAST_RETRIES.toBuilder().tableName(table).createTableIfMissing(false).build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("createTableIfMissing");
    assertThat(proxy.calls()).as("DynamoDB Local itself answered: no such table")
        .extracting(Call::operation, Call::status)
        .containsExactly(tuple("DescribeTable", 400));
    assertThat(client.listTables().tableNames()).contains(TABLE).doesNotContain(table);
  }

  @Test
  void unprocessedBatchGetKeysAreAskedForAgainUntilAllAreRead() throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    List<FunctionalRecord> records = records(DynamoDbTraceStore.MAX_BATCH_ITEMS); // one chunk
    await(store.accept(records));
    List<StoredRecord> stored = await(store.feed(tenant, FeedScope.TRACE, traceOf(records), null, 100));
    long alreadyCounted = store.usageLedger().alreadyCounted();
    proxy.reset();
    proxy.on("BatchGetItem").once().reply(unprocessedKeys(8));
    proxy.on("BatchGetItem").once().reply(unprocessedKeys(4));

    await(store.accept(records)); // an identical re-export

    List<Call> gets = proxy.calls("BatchGetItem");
    // 8 records and their 8 usage markers; half left unprocessed, then half of those
    assertThat(gets).extracting(DynamoDbTraceStoreTest::keysOf).extracting(List::size)
        .containsExactly(16, 8, 4);
    assertThat(keysOf(gets.get(1))).isEqualTo(keysOf(gets.get(0)).subList(8, 16));
    assertThat(keysOf(gets.get(2))).isEqualTo(keysOf(gets.get(1)).subList(4, 8));
    assertThat(gets).allSatisfy(get ->
        assertThat(get.body().path("RequestItems").path(TABLE).path("ConsistentRead").asBoolean()).isTrue());
    // Every stored version and marker was read in the end: nothing is written or counted again.
    assertThat(proxy.calls()).extracting(Call::operation)
        .doesNotContain("PutItem", "GetItem", "TransactWriteItems");
    assertThat(store.usageLedger().alreadyCounted()).isEqualTo(alreadyCounted + records.size());
    assertThat(await(store.feed(tenant, FeedScope.TRACE, traceOf(records), null, 100)))
        .as("same versions, same sequences").containsExactlyElementsOf(stored);
    assertThat(usageOfTrace(store, records)).isEqualTo(total(records));
  }

  @Test
  void batchGetKeysStillUnprocessedAfterMaxRetriesFailRetryably() {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("BatchGetItem").reply(unprocessedKeys(Integer.MAX_VALUE));

    assertThatThrownBy(() -> await(store.accept(records(2))))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("unprocessed");
    // one call and maxRetries rounds for the keys left over; no retries of the rounds themselves
    assertThat(proxy.calls("BatchGetItem")).hasSize(ATTEMPTS);
    assertThat(proxy.calls("PutItem")).isEmpty();
  }

  @Test
  void theSdkParsesATransactionCanceledBodyIntoItsCancellationReasons() {
    proxy.on("TransactWriteItems").once().reply(transactionConflict());
    String pk = "TRACE#" + tenant + "#" + RecordFixtures.newTraceId();

    assertThatThrownBy(() -> client.transactWriteItems(b -> b.transactItems(
            put(pk, "A"), put(pk, "B"))))
        .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("TransactionCanceledException");
          assertThat(e.hasCancellationReasons()).isTrue();
          assertThat(e.cancellationReasons()).extracting(CancellationReason::code)
              .containsExactly("TransactionConflict", "None");
        })
        .hasMessageContaining("TransactionConflict");
    assertThat(client.getItem(b -> b.tableName(TABLE).key(key(pk, "A"))).hasItem())
        .as("never reached DynamoDB Local").isFalse();
  }

  @Test
  void aTransactionConflictIsRetriedAndUsageIsCountedOnce() throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("TransactWriteItems").times(2).reply(transactionConflict());
    List<FunctionalRecord> records = records(3);

    await(store.accept(records));

    List<Call> transactions = proxy.calls("TransactWriteItems");
    assertThat(transactions).extracting(Call::status).containsExactly(400, 400, 200);
    assertThat(transactions).extracting(t -> t.body().path("TransactItems").size())
        .as("3 markers, 3 record version checks, the mode item, 4 aggregates and the summary")
        .containsOnly(12);
    assertThat(store.usageLedger().transactions()).isEqualTo(1);
    assertThat(usageOfTrace(store, records)).isEqualTo(total(records));
    assertThat(await(store.findByTrace(tenant, traceOf(records)))).containsExactlyElementsOf(records);
  }

  @Test
  void aTransactionConflictThatLastsFailsRetryablyAndAnExportAgainCountsOnce() throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("TransactWriteItems").reply(transactionConflict());
    List<FunctionalRecord> records = records(3);

    assertThatThrownBy(() -> await(store.accept(records)))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getCause()).isInstanceOf(TransactionCanceledException.class);
        });
    assertThat(proxy.calls("TransactWriteItems")).hasSize(ATTEMPTS);
    assertThat(await(store.findByTrace(tenant, traceOf(records))))
        .as("records are written before their usage").containsExactlyElementsOf(records);
    assertThat(usageOfTrace(store, records)).isEqualTo(Usage.ZERO);

    proxy.reset();
    await(store.accept(records));

    assertThat(proxy.calls("PutItem")).isEmpty();
    assertThat(proxy.calls("TransactWriteItems")).extracting(Call::status).containsExactly(200);
    assertThat(usageOfTrace(store, records)).isEqualTo(total(records));
  }

  /**
   * DynamoDB cancels a transaction it throttles with these reason codes (an on-demand table that
   * is scaling answers {@code ThrottlingError}); the README says throttling is retried.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ThrottlingError", "ProvisionedThroughputExceeded"})
  void aTransactionCancelledForThrottlingIsRetried(String code) throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("TransactWriteItems").once().reply(transactionCanceled(1, code,
        "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
            + "scaling your table or index so please try again shortly."));
    List<FunctionalRecord> records = records(3);

    await(store.accept(records));

    assertThat(proxy.calls("TransactWriteItems")).extracting(Call::status).containsExactly(400, 200);
    assertThat(usageOfTrace(store, records)).isEqualTo(total(records));
  }

  @Test
  void aTransactionCancelledForAValidationErrorFailsPermanently() throws Exception {
    DynamoDbTraceStore store = newStore(FAST_RETRIES);
    proxy.on("TransactWriteItems").once().reply(transactionCanceled(4, "ValidationError",
        "One or more parameter values were invalid"));
    List<FunctionalRecord> records = records(3);

    assertThatThrownBy(() -> await(store.accept(records)))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getCause()).isInstanceOf(TransactionCanceledException.class);
        });
    assertThat(proxy.calls("TransactWriteItems")).hasSize(1);
    assertThat(usageOfTrace(store, records)).isEqualTo(Usage.ZERO);
  }

  // ---- wire answers ----

  private static Action throttling() {
    return FaultInjectingDynamoDbProxy.error(400, "ThrottlingException",
        "Rate of requests exceeds the allowed throughput.");
  }

  private static Action requestLimitExceeded() {
    return FaultInjectingDynamoDbProxy.error(400, "RequestLimitExceeded",
        "Throughput exceeds the current throughput limit for your account. "
            + "Please contact AWS Support at https://aws.amazon.com/support request a limit increase");
  }

  private static Action internalServerError() {
    return FaultInjectingDynamoDbProxy.error(500, "InternalServerError", "Internal server error");
  }

  private static Action serviceUnavailable() {
    return FaultInjectingDynamoDbProxy.error(503, "ServiceUnavailable", "Service unavailable");
  }

  private static Action validation() {
    return FaultInjectingDynamoDbProxy.error(400, "ValidationException",
        "One or more parameter values were invalid: Missing the key pk in the item");
  }

  private static Action transactionConflict() {
    return transactionCanceled(0, "TransactionConflict",
        "Transaction is ongoing for the item");
  }

  // ---- helpers ----

  private DynamoDbTraceStore newStore(DynamoDbStoreConfig config) {
    return newStore(client, config);
  }

  /** A store on the shared table; the proxy's rules and log start empty after it. */
  private DynamoDbTraceStore newStore(DynamoDbClient over, DynamoDbStoreConfig config) {
    DynamoDbTraceStore store = DynamoDbTraceStore.create(over, config);
    stores.add(store);
    store.addListener(heard::addAll);
    proxy.reset();
    return store;
  }

  static DynamoDbClient client(URI endpoint) {
    return DynamoDbLocalServer.client(endpoint);
  }

  private List<FunctionalRecord> records(int count) {
    return RecordFixtures.trace(tenant, RecordFixtures.newTraceId(), "s", count, BASE_TIME);
  }

  private static String traceOf(List<FunctionalRecord> records) {
    return records.get(0).traceId();
  }

  private static List<JsonNode> keysOf(Call batchGet) {
    return StreamSupport.stream(
            batchGet.body().path("RequestItems").path(TABLE).path("Keys").spliterator(), false)
        .toList();
  }

  private Usage usageOfTrace(DynamoDbTraceStore store, List<FunctionalRecord> records)
      throws Exception {
    String traceId = traceOf(records);
    return await(store.usage(tenant, UsageKind.TRACE, DAY, DAY)).stream()
        .filter(cell -> cell.value().equals(traceId))
        .map(UsageCell::usage)
        .reduce(Usage.ZERO, Usage::plus);
  }

  private static Usage total(List<FunctionalRecord> records) {
    return records.stream().map(FunctionalRecord::usage).reduce(Usage.ZERO, Usage::plus);
  }

  private static TransactWriteItem put(String pk, String sk) {
    return TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(key(pk, sk))).build();
  }

  private static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(DynamoItem.PK, AttributeValue.fromS(pk), DynamoItem.SK, AttributeValue.fromS(sk));
  }

  private static Arguments classified(
      String name, Action answer, boolean retryable, Class<? extends SdkException> parsedAs) {
    return Arguments.of(Named.of(name, answer), retryable, parsedAs);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }
}
