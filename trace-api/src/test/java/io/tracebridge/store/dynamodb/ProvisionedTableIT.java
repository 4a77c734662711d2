package io.tracebridge.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracebridge.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A table made by infrastructure code, with table creation off ({@code --no-create-table}): the
 * CloudFormation template in {@code deploy/} makes a table the store accepts as it is, and a table
 * of the wrong shape fails start-up at once with every difference named.
 */
class ProvisionedTableIT {
  private static final Path TEMPLATE = Path.of("..", "deploy", "tracebridge-table.cfn.json");
  private static AmazonDynamoDBLocal local;
  private static DynamoDbClient client;

  @BeforeAll
  static void start() {
    local = DynamoDBEmbedded.create(true);
    client = local.dynamoDbClient();
  }

  @AfterAll
  static void stop() {
    local.shutdown();
  }

  @Test
  void theDeployTemplatesTableIsAcceptedWithCreationOff() throws Exception {
    String table = "provisioned-" + UUID.randomUUID();
    client.createTable(fromTemplate(table));

    DynamoDbTraceStore store = DynamoDbTraceStore.create(client, strict(table));

    assertThat(store.config().tableName()).isEqualTo(table);
    store.shutdown().toCompletableFuture().get();
  }

  @Test
  void aTableWithOtherKeysAndAMissingIndexFailsNamingEachDifference() {
    String table = "wrong-" + UUID.randomUUID();
    CreateTableRequest right = fromTemplate(table);
    client.createTable(right.toBuilder()
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("gsi1pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("gsi1sk").attributeType(ScalarAttributeType.N).build())
        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("bySession")
            .keySchema(KeySchemaElement.builder().attributeName("gsi1pk").keyType(KeyType.HASH).build(),
                KeySchemaElement.builder().attributeName("gsi1sk").keyType(KeyType.RANGE).build())
            .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build())
        .build());

    assertThatThrownBy(() -> DynamoDbTraceStore.create(client, strict(table)))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).retryable()).isFalse())
        .hasMessageContaining("does not fit TraceBridge")
        .hasMessageContaining("the table must have keys pk HASH, sk RANGE; it has id HASH")
        .hasMessageContaining("index 'bySession': key gsi1sk must be a string (S), is N")
        .hasMessageContaining("index 'bySession' must project ALL attributes, projects KEYS_ONLY")
        .hasMessageContaining("index 'gsi2' is missing")
        .hasMessageContaining("index 'gsi3' is missing");
  }

  private static DynamoDbStoreConfig strict(String table) {
    return DynamoDbStoreConfig.builder().tableName(table).createTableIfMissing(false).build();
  }

  /** The CreateTable request the template's table resource describes. */
  private static CreateTableRequest fromTemplate(String table) {
    JsonNode props;
    try {
      props = new ObjectMapper().readTree(Files.readString(TEMPLATE))
          .path("Resources").path("RecordsTable").path("Properties");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<AttributeDefinition> attributes = new ArrayList<>();
    props.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
        .attributeName(a.path("AttributeName").asText())
        .attributeType(a.path("AttributeType").asText()).build()));
    List<GlobalSecondaryIndex> indexes = new ArrayList<>();
    props.path("GlobalSecondaryIndexes").forEach(i -> indexes.add(GlobalSecondaryIndex.builder()
        .indexName(i.path("IndexName").asText())
        .keySchema(keys(i.path("KeySchema")))
        .projection(p -> p.projectionType(i.path("Projection").path("ProjectionType").asText()))
        .build()));
    return CreateTableRequest.builder()
        .tableName(table)
        .billingMode(BillingMode.fromValue(props.path("BillingMode").asText()))
        .attributeDefinitions(attributes)
        .keySchema(keys(props.path("KeySchema")))
        .globalSecondaryIndexes(indexes)
        .build();
  }

  private static List<KeySchemaElement> keys(JsonNode schema) {
    List<KeySchemaElement> keys = new ArrayList<>();
    schema.forEach(k -> keys.add(KeySchemaElement.builder()
        .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
    return keys;
  }
}
