package io.tracebridge.store.dynamodb;

import io.tracebridge.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The two item reads the writer, the reader and the repair share: a Query followed across its
 * pages ({@link #queryAll}) and a consistent BatchGetItem whose unprocessed keys are read again
 * with backoff ({@link #batchGet}). On the calling thread. Thread-safe.
 */
final class ItemReads {
  private final DynamoDbClient client;
  private final String table;
  private final int maxRetries;
  private final StoreExecutor executor;

  ItemReads(DynamoDbClient client, DynamoDbStoreConfig config, StoreExecutor executor) {
    this.client = client;
    this.table = config.tableName();
    this.maxRetries = config.maxRetries();
    this.executor = executor;
  }

  /** Every item {@code query} matches, page after page ({@code LastEvaluatedKey}), to {@code each}. */
  void queryAll(QueryRequest query, Consumer<Map<String, AttributeValue>> each) {
    Map<String, AttributeValue> startKey = null;
    do {
      QueryResponse page = client.query(query.toBuilder().exclusiveStartKey(startKey).build());
      page.items().forEach(each);
      startKey =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (startKey != null);
  }

  /** Consistent BatchGetItem of {@code keys} (at most 100), retrying unprocessed keys. */
  List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    if (keys.isEmpty()) {
      return items;
    }
    Map<String, KeysAndAttributes> pending =
        Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
    for (int round = 0; !pending.isEmpty(); round++) {
      if (round > maxRetries) {
        throw new StoreException("DynamoDB BatchGetItem left keys unprocessed", true);
      }
      if (round > 0) {
        executor.backOff(round - 1);
      }
      Map<String, KeysAndAttributes> request = pending;
      // Errors are retried per call; keys left unprocessed by the rounds of this loop.
      BatchGetItemResponse response =
          executor.retrying("BatchGetItem", () -> client.batchGetItem(b -> b.requestItems(request)));
      items.addAll(response.responses().getOrDefault(table, List.of()));
      pending = response.unprocessedKeys();
    }
    return items;
  }
}
