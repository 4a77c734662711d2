package io.tracebridge.store.dynamodb;

import static io.tracebridge.store.RecordFixtures.BASE_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Batching, retries and error classification against a scripted client. */
class DynamoDbTraceStoreTest {
  private static final DynamoDbStoreConfig FAST_RETRIES =
      DynamoDbStoreConfig.builder()
          .maxRetries(3)
          .initialBackoff(Duration.ofMillis(1))
          .maxBackoff(Duration.ofMillis(4))
          .build();

  private final String tenant = RecordFixtures.newTenant();
  private DynamoDbTraceStore store;

  @AfterEach
  void shutdown() throws Exception {
    if (store != null) {
      store.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void batchesAreDedupedByKeyAndEachRecordIsOneConditionalPut() throws Exception {
    ScriptedDynamoDbClient client = new ScriptedDynamoDbClient(ScriptedDynamoDbClient::allWritten);
    store = DynamoDbTraceStore.create(client, FAST_RETRIES);
    List<FunctionalRecord> records = records(60);
    FunctionalRecord rewritten = records.get(0).toBuilder().text("last wins").build();

    await(store.accept(Stream.concat(records.stream(), Stream.of(rewritten)).toList()));

    assertThat(client.batchWrites).hasSize(60);
    assertThat(client.batchWrites.stream()
            .flatMap(r -> r.requestItems().get(FAST_RETRIES.tableName()).stream())
            .map(WriteRequest::putRequest)
            .filter(p -> p.item().get("recordId").s().equals(rewritten.recordId())))
        .singleElement()
        .satisfies(p -> assertThat(p.item().get("text").s()).isEqualTo("last wins"));
  }

  @Test
  void unprocessedItemsAreRetriedUntilWritten() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ScriptedDynamoDbClient client = new ScriptedDynamoDbClient(request ->
        calls.incrementAndGet() <= 2
            ? ScriptedDynamoDbClient.noneWritten(request)
            : ScriptedDynamoDbClient.allWritten(request));
    store = DynamoDbTraceStore.create(client, FAST_RETRIES);

    await(store.accept(records(5)));

    assertThat(client.batchWrites).hasSize(7); // the first put twice refused, then all five
    assertThat(client.itemsSent()).isEqualTo(7);
  }

  @Test
  void itemsStillUnprocessedAfterMaxRetriesFailRetryably() {
    ScriptedDynamoDbClient client = new ScriptedDynamoDbClient(ScriptedDynamoDbClient::noneWritten);
    store = DynamoDbTraceStore.create(client, FAST_RETRIES);

    assertThatThrownBy(() -> await(store.accept(records(5))))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("ProvisionedThroughputExceeded");
    assertThat(client.batchWrites).hasSize(1 + FAST_RETRIES.maxRetries());
  }

  @Test
  void aRetryableErrorThatClearsUpIsRetriedAway() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ScriptedDynamoDbClient client = new ScriptedDynamoDbClient(request -> {
      if (calls.incrementAndGet() == 1) {
        throw service(ProvisionedThroughputExceededException.builder(), 400,
            "ProvisionedThroughputExceededException");
      }
      return BatchWriteItemResponse.builder().build();
    });
    store = DynamoDbTraceStore.create(client, FAST_RETRIES);

    await(store.accept(records(3)));

    assertThat(client.batchWrites).hasSize(4);
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        error("throttled (provisioned throughput)", true, () -> service(
            ProvisionedThroughputExceededException.builder(), 400, "ProvisionedThroughputExceededException")),
        error("throttled (request limit)", true, () -> service(
            RequestLimitExceededException.builder(), 400, "RequestLimitExceeded")),
        error("throttled (ThrottlingException)", true, () -> service(
            ThrottlingException.builder(), 400, "ThrottlingException")),
        error("500 internal error", true, () -> service(
            InternalServerErrorException.builder(), 500, "InternalServerError")),
        error("503 unavailable", true, () -> service(
            DynamoDbException.builder(), 503, "ServiceUnavailable")),
        error("I/O failure", true, () -> SdkClientException.create("connection reset")),
        error("ValidationException", false, () -> service(
            DynamoDbException.builder(), 400, "ValidationException")),
        error("missing table", false, () -> service(
            ResourceNotFoundException.builder(), 400, "ResourceNotFoundException")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void sdkErrorsAreClassified(Supplier<SdkException> error, boolean retryable) {
    ScriptedDynamoDbClient client = new ScriptedDynamoDbClient(request -> {
      throw error.get();
    });
    store = DynamoDbTraceStore.create(client, FAST_RETRIES);

    assertThatThrownBy(() -> await(store.accept(records(2))))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isEqualTo(retryable);
          assertThat(e.getCause()).isInstanceOf(SdkException.class);
        });
    assertThat(client.batchWrites).hasSize(retryable ? 1 + FAST_RETRIES.maxRetries() : 1);
  }

  @Test
  void aPermanentFailureInOneChunkMakesTheWholeBatchPermanent() {
    AtomicInteger calls = new AtomicInteger();
    ScriptedDynamoDbClient client = new ScriptedDynamoDbClient(request -> {
      if (calls.incrementAndGet() == 1) {
        throw service(DynamoDbException.builder(), 400, "ValidationException");
      }
      return ScriptedDynamoDbClient.noneWritten(request);
    });
    store = DynamoDbTraceStore.create(client, FAST_RETRIES);

    assertThatThrownBy(() -> await(store.accept(records(30))))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isFalse();
          // 30 records are 4 chunks: one permanent failure, the others retryable, suppressed
          assertThat(e.getSuppressed()).hasSize(3);
        });
  }

  @Test
  void aFullQueueFailsFastAndRetryably() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedDynamoDbClient client = new ScriptedDynamoDbClient(request -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return BatchWriteItemResponse.builder().build();
    });
    store = DynamoDbTraceStore.create(
        client, FAST_RETRIES.toBuilder().writeThreads(1).queueCapacity(1).build());

    CompletionStage<Void> running = store.accept(records(1));
    CompletionStage<Void> queued = store.accept(records(1));
    CompletionStage<Void> rejected = store.accept(records(1));

    assertThatThrownBy(() -> await(rejected))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("busy");
    release.countDown();
    await(running);
    await(queued);
  }

  @Test
  void missingTableFailsAtCreateWhenCreationIsOff() {
    ScriptedDynamoDbClient client = new ScriptedDynamoDbClient(ScriptedDynamoDbClient::allWritten) {
      @Override
      public DescribeTableResponse describeTable(DescribeTableRequest request) {
        throw ResourceNotFoundException.builder().message("no table").build();
      }
    };

    assertThatThrownBy(() -> DynamoDbTraceStore.create(
            client, FAST_RETRIES.toBuilder().createTableIfMissing(false).build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("createTableIfMissing");
  }

  private List<FunctionalRecord> records(int count) {
    return RecordFixtures.trace(tenant, RecordFixtures.newTraceId(), "s", count, BASE_TIME);
  }

  private static SdkException service(
      DynamoDbException.Builder builder, int status, String errorCode) {
    return builder
        .statusCode(status)
        .message(errorCode)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).errorMessage(errorCode).build())
        .build();
  }

  private static Arguments error(String name, boolean retryable, Supplier<SdkException> error) {
    return Arguments.of(Named.of(name, error), retryable);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }
}
