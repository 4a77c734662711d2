package io.tracebridge.store.dynamodb;

import static io.tracebridge.store.RecordFixtures.BASE_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** What is specific to DynamoDB: the table, the item layout, paging and size limits. */
class DynamoDbTableIT {
  private static AmazonDynamoDBLocal local;
  private static DynamoDbClient client;

  @BeforeAll
  static void startDynamoDbLocal() {
    local = DynamoDBEmbedded.create(true); // true disables telemetry
    client = local.dynamoDbClient();
  }

  @AfterAll
  static void stopDynamoDbLocal() {
    local.shutdown();
  }

  @Test
  void missingTableIsCreatedWithTheSessionIndexAndASecondStoreFindsIt() throws Exception {
    DynamoDbStoreConfig config = config(newTableName());
    String tenant = RecordFixtures.newTenant();
    FunctionalRecord record =
        RecordFixtures.full(tenant, RecordFixtures.newTraceId(), RecordFixtures.newSessionId());

    DynamoDbTraceStore first = DynamoDbTraceStore.create(client, config);
    first.accept(List.of(record)).toCompletableFuture().get(10, TimeUnit.SECONDS);

    TableDescription table = client.describeTable(b -> b.tableName(config.tableName())).table();
    assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
    assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(table.keySchema())
        .extracting(k -> k.attributeName() + ":" + k.keyType())
        .containsExactly("pk:" + KeyType.HASH, "sk:" + KeyType.RANGE);
    assertThat(table.globalSecondaryIndexes())
        .extracting(index -> index.indexName() + "(" + index.keySchema().stream()
            .map(k -> k.attributeName() + ":" + k.keyType()).toList() + ","
            + index.projection().projectionType() + ")")
        .containsExactlyInAnyOrder(
            "bySession([gsi1pk:HASH, gsi1sk:RANGE]," + ProjectionType.ALL + ")",
            "gsi2([gsi2pk:HASH, gsi2sk:RANGE]," + ProjectionType.ALL + ")",
            "gsi3([gsi3pk:HASH, gsi3sk:RANGE]," + ProjectionType.ALL + ")",
            "usagePending([usagePending:HASH, seq:RANGE]," + ProjectionType.KEYS_ONLY + ")");

    DynamoDbTraceStore second = DynamoDbTraceStore.create(client, config);
    assertThat(second.findByTrace(tenant, record.traceId()).toCompletableFuture().get())
        .containsExactly(record);
    first.shutdown().toCompletableFuture().get();
    second.shutdown().toCompletableFuture().get();
  }

  @Test
  void missingTableFailsPermanentlyWhenCreationIsOff() {
    DynamoDbStoreConfig config =
        config(newTableName()).toBuilder().createTableIfMissing(false).build();

    assertThatThrownBy(() -> DynamoDbTraceStore.create(client, config))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e).hasMessageContaining(config.tableName()).hasMessageContaining("createTableIfMissing");
        });
  }

  @Test
  void itemsAreTypedAttributesUnderTheDocumentedKeys() throws Exception {
    DynamoDbStoreConfig config = config(newTableName());
    DynamoDbTraceStore store = DynamoDbTraceStore.create(client, config);
    String tenant = RecordFixtures.newTenant();
    FunctionalRecord withSession =
        RecordFixtures.full(tenant, RecordFixtures.newTraceId(), RecordFixtures.newSessionId());
    FunctionalRecord withoutSession =
        RecordFixtures.minimal(tenant, withSession.traceId(), 1, BASE_TIME).build();
    store.accept(List.of(withSession, withoutSession)).toCompletableFuture().get(10, TimeUnit.SECONDS);

    Map<String, AttributeValue> item = getItem(config, withSession);
    assertThat(item.get("pk").s()).isEqualTo("TRACE#" + tenant + "#" + withSession.traceId());
    assertThat(item.get("sk").s()).isEqualTo("REC#" + withSession.recordId());
    assertThat(item.get("gsi1pk").s()).isEqualTo("SESSION#" + tenant + "#" + withSession.sessionId());
    assertThat(item.get("gsi1sk").s())
        .isEqualTo(String.format("%019d", withSession.timestampNanos()) + "#" + withSession.recordId());
    assertThat(item.get("timestamp").s()).isEqualTo("2026-03-01T10:15:30.123456789Z");
    assertThat(item.get("type").s()).isEqualTo("tool_response");
    assertThat(item.get("durationMs").n()).isEqualTo("1234");
    assertThat(item.get("truncated").bool()).isTrue();
    assertThat(item.get("tool").m().get("name").s()).isEqualTo("bookings___find_hotel");
    assertThat(item.get("usage").m().get("cacheReadTokens").n()).isEqualTo("1000");
    assertThat(item.get("error").m().get("type").s()).isEqualTo("TimeoutError");

    assertThat(getItem(config, withoutSession))
        .doesNotContainKeys("gsi1pk", "gsi1sk", "sessionId", "tool", "usage", "error", "text");
    store.shutdown().toCompletableFuture().get();
  }

  @Test
  void readsPageThroughMoreThanOneMegabyte() throws Exception {
    DynamoDbTraceStore store = DynamoDbTraceStore.create(client, config(newTableName()));
    String tenant = RecordFixtures.newTenant();
    String session = RecordFixtures.newSessionId();
    String bigText = "x".repeat(60_000);
    List<FunctionalRecord> records =
        RecordFixtures.trace(tenant, RecordFixtures.newTraceId(), session, 40, BASE_TIME).stream()
            .map(r -> r.toBuilder().text(bigText).build())
            .toList(); // 40 x 60 KB = 2.4 MB: three Query pages of at most 1 MB

    store.accept(records).toCompletableFuture().get(30, TimeUnit.SECONDS);

    String pk = DynamoItem.tracePk(tenant, records.get(0).traceId());
    assertThat(client.query(b -> b.tableName(store.config().tableName())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk))))
            .lastEvaluatedKey())
        .as("the first page is not the last, so the store must page")
        .isNotEmpty();

    assertThat(store.findByTrace(tenant, records.get(0).traceId()).toCompletableFuture().get())
        .containsExactlyElementsOf(records);
    assertThat(store.findBySession(tenant, session).toCompletableFuture().get())
        .containsExactlyElementsOf(records);
    store.shutdown().toCompletableFuture().get();
  }

  @Test
  void anItemOverFourHundredKilobytesFailsPermanently() {
    DynamoDbTraceStore store = DynamoDbTraceStore.create(client, config(newTableName()));
    FunctionalRecord huge =
        RecordFixtures.minimal(RecordFixtures.newTenant(), RecordFixtures.newTraceId(), 0, BASE_TIME)
            .text("x".repeat(410 * 1024))
            .build();

    assertThatThrownBy(() -> store.accept(List.of(huge)).toCompletableFuture().get())
        .hasCauseInstanceOf(StoreException.class)
        .cause()
        .satisfies(e -> assertThat(((StoreException) e).retryable()).isFalse());
    store.shutdown();
  }

  private static Map<String, AttributeValue> getItem(DynamoDbStoreConfig config, FunctionalRecord r) {
    return client
        .getItem(b -> b.tableName(config.tableName())
            .consistentRead(true)
            .key(Map.of(
                "pk", AttributeValue.fromS(DynamoItem.tracePk(r.tenant(), r.traceId())),
                "sk", AttributeValue.fromS(DynamoItem.recordSk(r.recordId())))))
        .item();
  }

  private static DynamoDbStoreConfig config(String table) {
    return DynamoDbStoreConfig.builder().tableName(table).build();
  }

  private static String newTableName() {
    return "records-" + UUID.randomUUID();
  }
}
