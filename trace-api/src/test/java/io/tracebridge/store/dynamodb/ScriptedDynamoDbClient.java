package io.tracebridge.store.dynamodb;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
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
 * A DynamoDB client whose record writes are answered by a script, for what DynamoDB Local never
 * does (throttling, 5xx). Each PutItem is handed to the script as a one-item BatchWriteItem
 * request (recorded in {@link #batchWrites}); an item the script leaves unprocessed fails as
 * throttled. BatchGetItem (nothing stored), UpdateItem, GetItem and TransactWriteItems succeed with empty answers; DescribeTable
 * reports an ACTIVE table with its indexes; every other call is unsupported. Thread-safe.
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
  public PutItemResponse putItem(PutItemRequest request) {
    BatchWriteItemResponse response = batchWriteItem(BatchWriteItemRequest.builder()
        .requestItems(Map.of(request.tableName(), List.of(WriteRequest.builder()
            .putRequest(p -> p.item(request.item())).build())))
        .build());
    if (response.hasUnprocessedItems() && !response.unprocessedItems().isEmpty()) {
      throw ProvisionedThroughputExceededException.builder()
          .statusCode(400).message("ProvisionedThroughputExceededException")
          .awsErrorDetails(AwsErrorDetails.builder()
              .errorCode("ProvisionedThroughputExceededException").build())
          .build();
    }
    return PutItemResponse.builder().build();
  }

  @Override
  public UpdateItemResponse updateItem(UpdateItemRequest request) {
    return UpdateItemResponse.builder()
        .attributes(Map.of("startNs", AttributeValue.fromN("1"),
            "endNs", AttributeValue.fromN(Long.toString(Long.MAX_VALUE))))
        .build();
  }

  /** Nothing is stored yet: every record is new to the store. */
  @Override
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
    return BatchGetItemResponse.builder().build();
  }

  @Override
  public GetItemResponse getItem(GetItemRequest request) {
    return GetItemResponse.builder().build();
  }

  @Override
  public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
    return TransactWriteItemsResponse.builder().build();
  }

  @Override
  public DescribeTableResponse describeTable(DescribeTableRequest request) {
    return DescribeTableResponse.builder()
        .table(t -> t.tableName(request.tableName())
            .tableStatus(TableStatus.ACTIVE)
            .globalSecondaryIndexes(
                index(DynamoDbTraceStore.SESSION_INDEX), index(DynamoDbTraceStore.GSI2),
                index(DynamoDbTraceStore.GSI3)))
        .build();
  }

  private static GlobalSecondaryIndexDescription index(String name) {
    return GlobalSecondaryIndexDescription.builder().indexName(name).indexStatus(IndexStatus.ACTIVE).build();
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {}
}
