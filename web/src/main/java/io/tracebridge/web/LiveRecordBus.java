package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceSink;
import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes stored records to the event-bus address {@link #ADDRESS}, where every web node's
 * websocket handler picks them up. One message per batch, as a JSON array of records, so the
 * same code works on the clustered event bus across nodes.
 *
 * <p>Best effort by design: the receiver calls it only after the records are durable, and a
 * viewer that misses a message catches up from the store. Thread-safe.
 */
public final class LiveRecordBus implements TraceSink {
  /** The event-bus address live records are published to. */
  public static final String ADDRESS = "records.live";

  private static final TypeReference<List<FunctionalRecord>> RECORD_LIST = new TypeReference<>() {};

  private final EventBus eventBus;

  public LiveRecordBus(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      eventBus.publish(ADDRESS, RecordJson.mapper().writeValueAsString(records));
      return CompletableFuture.completedFuture(null);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(
          new StoreException("cannot serialise records for live publication", false, e));
    }
  }

  /** Reads one message published by {@link #accept}. */
  static List<FunctionalRecord> decode(String message) throws JsonProcessingException {
    return RecordJson.mapper().readValue(message, RECORD_LIST);
  }
}
