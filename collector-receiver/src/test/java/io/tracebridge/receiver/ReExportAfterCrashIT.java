package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A receiver dies between an export's record writes and their usage count (its usage transaction
 * never lands: the records stay stored with their pending mark); the sender sends the same export
 * to another receiver. The records it brings are stored unchanged, yet that receiver must count
 * them before it acknowledges, not leave them to the next usage repair (minutes later): the
 * billing of an acknowledged export is complete. Both stores run with usage repair off, so only
 * the second pass can have counted.
 */
class ReExportAfterCrashIT {
  private static final String TABLE = "re-export-after-crash";
  private static AmazonDynamoDBLocal dynamo;

  @BeforeAll
  static void start() {
    dynamo = DynamoDBEmbedded.create(true);
  }

  @AfterAll
  static void stop() {
    if (dynamo != null) {
      dynamo.shutdown();
    }
  }

  @Test
  void theSecondReceiverCountsWhatTheDeadOneStoredUncounted() throws Exception {
    String tenant = RecordFixtures.newTenant();
    MappingResult run = new SpanMapper().map(tenant, IngestCostIT.agentRun(RecordFixtures.newTraceId()));
    DynamoDbStoreConfig config = DynamoDbStoreConfig.builder().tableName(TABLE)
        .maxRetries(0).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2))
        .repairUsage(false).build();

    DynamoDbTraceStore dying = DynamoDbTraceStore.create(withoutTransactions(dynamo.dynamoDbClient()), config);
    TraceContextFiller first = new TraceContextFiller(dying);
    assertThatThrownBy(() -> first.accept(tenant, run.records(), run.spans())
        .toCompletableFuture().get(60, TimeUnit.SECONDS))
        .as("the first receiver's usage transaction never lands").hasRootCauseInstanceOf(SdkClientException.class);
    await(dying.shutdown());

    DynamoDbTraceStore survivor = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), config);
    try {
      List<FunctionalRecord> stored = survivor.findByTrace(tenant, run.records().get(0).traceId())
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(stored).as("the dead receiver stored the run's records").hasSameSizeAs(run.records());
      // The run's spans are stamped on 2026-01-01 (IngestCostIT.agentRun).
      LocalDate day = LocalDate.of(2025, 12, 31);
      LocalDate to = LocalDate.of(2026, 1, 2);
      assertThat(billed(survivor, tenant, day, to)).as("nothing counted yet").isEqualTo(Usage.ZERO);

      new TraceContextFiller(survivor).accept(tenant, run.records(), run.spans())
          .toCompletableFuture().get(60, TimeUnit.SECONDS);

      assertThat(billed(survivor, tenant, day, to)).as("counted once the re-export is acknowledged")
          .isEqualTo(TraceUsage.total(stored))
          .isNotEqualTo(Usage.ZERO);
      new TraceContextFiller(survivor).accept(tenant, run.records(), run.spans())
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(billed(survivor, tenant, day, to)).as("and not again by a third export")
          .isEqualTo(TraceUsage.total(stored));
    } finally {
      await(survivor.shutdown());
    }
  }

  private static Usage billed(DynamoDbTraceStore store, String tenant, LocalDate from, LocalDate to) throws Exception {
    Usage sum = Usage.ZERO;
    for (UsageCell cell : store.usage(tenant, UsageKind.TRACE, from, to).toCompletableFuture().get(60, TimeUnit.SECONDS)) {
      sum = sum.plus(cell.usage());
    }
    return sum;
  }

  /** The real client, except that every TransactWriteItems fails as if the node died sending it. */
  private static DynamoDbClient withoutTransactions(DynamoDbClient real) {
    return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
          if (method.getName().equals("transactWriteItems")) {
            throw SdkClientException.create("the receiver died before its usage transaction");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static void await(java.util.concurrent.CompletionStage<?> stage) throws Exception {
    stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
