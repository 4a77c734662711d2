package io.tracebridge.store.dynamodb;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A DynamoDB client whose BatchWriteItem answers come from a script, for what DynamoDB Local never
 * does (throttling, unprocessed items, 5xx). DescribeTable reports an ACTIVE table with the index;
 * every other call is unsupported. Records every BatchWriteItem request. Thread-safe.
 */
class ScriptedDynamoDbClient implements DynamoDbClient {
  final List<BatchWriteItemRequest> batchWrites = new CopyOnWriteArrayList<>();
  private volatile Function<BatchWriteItemRequest, BatchWriteItemResponse> batchWrite;

  ScriptedDynamoDbClient(Function<BatchWriteItemRequest, BatchWriteItemResponse> batchWrite) {
    this.batchWrite = batchWrite;
  }

  /** Writes everything. */
  static BatchWriteItemResponse allWritten(BatchWriteItemRequest request) {
    return BatchWriteItemResponse.builder().build();
  }

  /** Leaves every item of the request unprocessed. */
  static BatchWriteItemResponse noneWritten(BatchWriteItemRequest request) {
    return BatchWriteItemResponse.builder().unprocessedItems(request.requestItems()).build();
  }

  int itemsSent() {
    return batchWrites.stream()
        .flatMap(r -> r.requestItems().values().stream())
        .mapToInt(List::size)
        .sum();
  }

  @Override
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
    batchWrites.add(request);
    return batchWrite.apply(request);
  }

  @Override
  public DescribeTableResponse describeTable(DescribeTableRequest request) {
    return DescribeTableResponse.builder()
        .table(t -> t.tableName(request.tableName())
            .tableStatus(TableStatus.ACTIVE)
            .globalSecondaryIndexes(GlobalSecondaryIndexDescription.builder()
                .indexName(DynamoDbTraceStore.SESSION_INDEX)
                .indexStatus(IndexStatus.ACTIVE)
                .build()))
        .build();
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {}
}
