package io.tracebridge.store.dynamodb;

import io.tracebridge.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The table's DDL and migration ({@link #ensureTable()}): creates the table with its indexes if
 * missing, adds an index a table of an older layout lacks, checks the schema ({@link
 * TableSchemaCheck}) and waits until it is ACTIVE. Also names the indexes. Blocking; start-up only.
 */
final class TableSetup {
  /** Name of the global secondary index over {@code gsi1pk} / {@code gsi1sk}. */
  static final String SESSION_INDEX = "bySession";
  /** Overloaded index: a session's records by ingest sequence; an agent's trace summaries. */
  static final String GSI2 = "gsi2";
  /** Overloaded index: an agent's records by ingest sequence; a tenant's trace summaries. */
  static final String GSI3 = "gsi3";

  private static final Logger LOG = LoggerFactory.getLogger("io.tracebridge.store.dynamodb.DynamoDbTraceStore");
  private static final Duration TABLE_POLL_INTERVAL = Duration.ofMillis(500);

  private final DynamoDbClient client;
  private final DynamoDbStoreConfig config;

  TableSetup(DynamoDbClient client, DynamoDbStoreConfig config) {
    this.client = client;
    this.config = config;
  }

  /** See {@link DynamoDbTraceStore#ensureTable()}. */
  void ensureTable() {
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
        StoreExecutor.sleep(TABLE_POLL_INTERVAL);
      }
    } catch (SdkException e) {
      throw StoreExecutor.classify("DescribeTable/CreateTable", e);
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
}
