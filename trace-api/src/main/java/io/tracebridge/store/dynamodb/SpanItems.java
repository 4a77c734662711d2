package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.SpanNode;
import io.tracebridge.store.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchWriteItem, for the span items ({@code SPAN#…}, always written blind) and the blind record
 * batch of an assembly pass: 25 items a call, unprocessed items again with backoff. On the
 * calling thread. Thread-safe.
 */
final class SpanItems {
  /** DynamoDB's limit of puts in one BatchWriteItem. */
  static final int MAX_BATCH_WRITE = 25;

  private final DynamoDbClient client;
  private final String table;
  private final int maxRetries;
  private final StoreExecutor executor;

  SpanItems(DynamoDbClient client, DynamoDbStoreConfig config, StoreExecutor executor) {
    this.client = client;
    this.table = config.tableName();
    this.maxRetries = config.maxRetries();
    this.executor = executor;
  }

  /** The puts of {@code spans}' items, one per span (the last of a span given twice). */
  static List<WriteRequest> spanWrites(String tenant, Collection<SpanNode> spans) {
    List<WriteRequest> writes = new ArrayList<>();
    Map<String, SpanNode> unique = new LinkedHashMap<>();
    spans.forEach(span -> unique.put(span.traceId() + "/" + span.spanId(), span));
    for (SpanNode span : unique.values()) {
      Map<String, AttributeValue> item = DynamoItem.spanItem(tenant, span);
      writes.add(WriteRequest.builder().putRequest(b -> b.item(item)).build());
    }
    return writes;
  }

  /** Puts span items, 25 a call, unprocessed items retried with backoff; on the calling thread. */
  void writeSpans(List<WriteRequest> writes) {
    for (int from = 0; from < writes.size(); from += MAX_BATCH_WRITE) {
      List<WriteRequest> part = writes.subList(from, Math.min(from + MAX_BATCH_WRITE, writes.size()));
      if (!batchWrite(part, () -> true).isEmpty()) {
        throw new StoreException("DynamoDB BatchWriteItem left spans unprocessed", true);
      }
    }
  }

  /**
   * One BatchWriteItem of {@code requests} (at most 25), then its unprocessed items again with
   * backoff, for up to {@code maxRetries} rounds and while {@code goOn} holds before each round;
   * returns what is still unwritten (empty: all of it landed).
   */
  List<WriteRequest> batchWrite(List<WriteRequest> requests, BooleanSupplier goOn) {
    List<WriteRequest> pending = requests;
    for (int round = 0; !pending.isEmpty() && round <= maxRetries && goOn.getAsBoolean(); round++) {
      if (round > 0) {
        executor.backOff(round - 1);
      }
      List<WriteRequest> request = pending;
      var response = executor.retrying("BatchWriteItem", () -> client.batchWriteItem(
          b -> b.requestItems(Map.of(table, request))));
      pending = response.unprocessedItems().getOrDefault(table, List.of());
    }
    return pending;
  }
}
