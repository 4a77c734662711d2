package io.tracebridge.store.dynamodb;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.tracebridge.store.AbstractTraceStoreContractTest;
import io.tracebridge.store.TraceStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract over DynamoDB Local, embedded and in memory; all tests share one table. */
class DynamoDbTraceStoreIT extends AbstractTraceStoreContractTest {
  private static AmazonDynamoDBLocal local;

  @BeforeAll
  static void startDynamoDbLocal() {
    local = DynamoDBEmbedded.create(true); // true disables telemetry
  }

  @AfterAll
  static void stopDynamoDbLocal() {
    local.shutdown();
  }

  @Override
  protected TraceStore newStore() {
    return DynamoDbTraceStore.create(
        local.dynamoDbClient(), DynamoDbStoreConfig.builder().tableName("contract-records").build());
  }
}
