package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.StoredRecordListener;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the record versions a store made durable, each with its ingest sequence, to the
 * event-bus address {@link #ADDRESS}, where every web node's websocket handler picks them up. One
 * message per batch, a JSON array of {@code {"seq": ..., "record": {...}}}, so the same code works
 * on the clustered event bus across nodes.
 *
 * <p>Wire it as a {@link StoredRecordListener} of the store ({@code store.addListener(bus)}): only
 * the store knows each version's sequence, which websocket cursors are built from. Best effort by
 * design: a viewer that misses a message catches up from the store at its next heartbeat.
 * Thread-safe.
 */
public final class LiveRecordBus implements StoredRecordListener {
  /** The event-bus address live records are published to. */
  public static final String ADDRESS = "records.live";

  private final EventBus eventBus;

  public LiveRecordBus(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  @Override
  public void stored(List<StoredRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    ArrayNode batch = RecordJson.mapper().createArrayNode();
    for (StoredRecord r : records) {
      batch.addObject().put("seq", r.seq()).set("record", RecordJson.mapper().valueToTree(r.record()));
    }
    eventBus.publish(ADDRESS, batch.toString());
  }

  /** Reads one message published by {@link #stored}. */
  static List<StoredRecord> decode(String message) throws JsonProcessingException {
    List<StoredRecord> records = new ArrayList<>();
    for (JsonNode entry : RecordJson.mapper().readTree(message)) {
      records.add(new StoredRecord(
          RecordJson.mapper().treeToValue(entry.get("record"), FunctionalRecord.class),
          entry.get("seq").asText()));
    }
    return records;
  }
}
