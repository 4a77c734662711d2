package io.tracebridge.store.dynamodb;

import static io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.throttled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.aws.RetryCounter;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy.Call;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The store over a client built with aws-support's policy ({@link
 * DynamoDbTraceStore#transportRetries(DynamoDbStoreConfig)}, the SDK's standard strategy), as
 * production clients are: throttling is retried by the SDK inside the call, and the store adds no
 * loop of its own on top (no multiplied attempts). Over the real wire protocol: DynamoDB Local as
 * an HTTP server behind {@link FaultInjectingDynamoDbProxy}.
 */
class SdkRetriesTest {
  private static final String TABLE = "sdk-retries";
  private static final DynamoDbStoreConfig CONFIG = DynamoDbStoreConfig.builder()
      .tableName(TABLE).maxRetries(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(4))
      .usageRepairInterval(Duration.ZERO).build();

  private static DynamoDbLocalServer dynamoDbLocal;
  private static FaultInjectingDynamoDbProxy proxy;
  private static final RetryCounter SDK_RETRIES = new RetryCounter();
  private static DynamoDbClient client;
  private static DynamoDbTraceStore store;

  private final String tenant = RecordFixtures.newTenant();

  @BeforeAll
  static void start() throws Exception {
    dynamoDbLocal = DynamoDbLocalServer.start();
    proxy = FaultInjectingDynamoDbProxy.start(dynamoDbLocal.endpoint());
    client = DynamoDbClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(proxy.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("fakeAccessKey", "fakeSecretKey")))
        .overrideConfiguration(DynamoDbTraceStore.transportRetries(CONFIG).clientOverride(SDK_RETRIES))
        .build();
    store = DynamoDbTraceStore.create(client, CONFIG);
  }

  @AfterEach
  void resetProxy() {
    proxy.reset();
  }

  @AfterAll
  static void stop() throws Exception {
    store.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close();
    proxy.close();
    dynamoDbLocal.close();
  }

  @Test
  void throttlingThatClearsUpIsRetriedByTheSdkNotByTheStore() throws Exception {
    proxy.reset();
    proxy.on("PutItem").times(2).reply(throttled());
    long sdkBefore = SDK_RETRIES.retries();
    long storeBefore = store.stats().retries();
    FunctionalRecord record = oneRecord();

    store.accept(List.of(record)).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(proxy.calls("PutItem")).extracting(Call::status).containsExactly(400, 400, 200);
    assertThat(SDK_RETRIES.retries() - sdkBefore).as("the SDK retried twice").isEqualTo(2);
    assertThat(store.stats().retries() - storeBefore).as("the store did not").isZero();
  }

  @Test
  void throttlingThatLastsFailsRetryablyAfterTheAttemptsOfOnePolicy() {
    proxy.reset();
    proxy.on("PutItem").reply(throttled());
    long storeBefore = store.stats().retries();

    assertThatThrownBy(() -> await(store.accept(List.of(oneRecord()))))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isTrue());
    assertThat(proxy.calls("PutItem")).as("maxRetries + 1 attempts, not their square")
        .hasSize(CONFIG.maxRetries() + 1);
    assertThat(store.stats().retries() - storeBefore).isZero();
  }

  private FunctionalRecord oneRecord() {
    return RecordFixtures.trace(tenant, RecordFixtures.newTraceId(), null, 1, RecordFixtures.BASE_TIME).get(0);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }
}
