package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.StoredRecordListener;
import io.vertx.core.eventbus.EventBus;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the record versions a store made durable, each with its ingest sequence, to the
 * event-bus address {@link #ADDRESS}, where every web node's websocket handler picks them up. One
 * message per batch, a JSON array of {@code {"seq": ..., "tenant": ..., "traceId": ...,
 * "sessionId": ..., "agentId": ..., "agentName": ..., "recordType": ..., "timestamp": ...,
 * "record": {...}}}, so the same code works on the clustered event bus across nodes.
 *
 * <p>Wire it as a {@link StoredRecordListener} of the store ({@code store.addListener(bus)}): only
 * the store knows each version's sequence, which websocket cursors are built from. The listener
 * runs on the store's worker thread and only hands the list to one publisher thread, which
 * encodes each record's JSON once and publishes the batches in the order the store told them
 * (per export, in timeline order). A receiving node keeps each record's JSON as the bytes it got
 * ({@link #decode}): frames copy them, for every subscription on every connection.
 *
 * <p>Best effort by design: a viewer that misses a message catches up from the store at its next
 * heartbeat. So the publisher holds at most {@link #MAX_QUEUED_BATCHES} batches; one more is
 * dropped and counted ({@code tracebridge_drops_total{reason="live_backlog"}}) rather than held.
 * Thread-safe.
 */
public final class LiveRecordBus implements StoredRecordListener, AutoCloseable {
  /** The event-bus address live records are published to. */
  public static final String ADDRESS = "records.live";
  /** Batches waiting for the publisher thread, at most. */
  static final int MAX_QUEUED_BATCHES = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(LiveRecordBus.class);
  /** Plain JSON, as the frames' {@code ObjectNode#toString} writes it. */
  private static final JsonFactory JSON = new JsonFactory();

  private final EventBus eventBus;
  @Nullable private final WebMetrics metrics;
  private final ThreadPoolExecutor publisher;
  private final AtomicLong dropped = new AtomicLong();

  public LiveRecordBus(EventBus eventBus) {
    this(eventBus, null);
  }

  /** Counting batches dropped for want of room into {@code metrics}. */
  public LiveRecordBus(EventBus eventBus, @Nullable WebMetrics metrics) {
    this.eventBus = eventBus;
    this.metrics = metrics;
    // One thread: batches leave in the order they came.
    this.publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED_BATCHES), r -> {
          Thread t = new Thread(r, "tracebridge-live-publisher");
          t.setDaemon(true);
          return t;
        });
  }

  /** Called on the store's thread: hands the batch over, nothing more. */
  @Override
  public void stored(List<StoredRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<StoredRecord> batch = List.copyOf(records);
    try {
      publisher.execute(() -> publish(batch));
    } catch (RejectedExecutionException e) {
      dropped.incrementAndGet();
      if (metrics != null) {
        metrics.drop("live_backlog");
      }
    }
  }

  private void publish(List<StoredRecord> records) {
    String message;
    try {
      message = encode(records);
    } catch (RuntimeException e) {
      LOG.warn("a live batch could not be encoded (viewers catch up at their next heartbeat)", e);
      return;
    }
    eventBus.publish(ADDRESS, message);
  }

  /**
   * Completes once every batch told before this call has been handed to the event bus (a local
   * consumer's delivery is then queued on its context): for tests and orderly hand-overs.
   */
  public CompletableFuture<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      publisher.execute(() -> done.complete(null));
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /** Batches dropped since start because the publisher held {@link #MAX_QUEUED_BATCHES}. */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Publishes what is queued (waiting at most 5 s) and stops the publisher thread; batches told
   * after this are dropped.
   */
  @Override
  public void close() {
    publisher.shutdown();
    try {
      if (!publisher.awaitTermination(5, TimeUnit.SECONDS)) {
        publisher.shutdownNow();
      }
    } catch (InterruptedException e) {
      publisher.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** One message: each record's JSON encoded once. */
  static String encode(List<StoredRecord> records) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (StoredRecord stored : records) {
        FunctionalRecord r = stored.record();
        EncodedRecord e = EncodedRecord.of(stored);
        g.writeStartObject();
        g.writeStringField("seq", e.seq());
        g.writeStringField("tenant", e.tenant());
        g.writeStringField("traceId", e.traceId());
        writeIfPresent(g, "sessionId", e.sessionId());
        writeIfPresent(g, "agentId", e.agentId());
        writeIfPresent(g, "agentName", e.agentName());
        g.writeStringField("recordType", e.recordType());
        g.writeStringField("timestamp", r.timestamp().toString());
        g.writeFieldName("record");
        g.writeRawValue(e.json());
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeIfPresent(JsonGenerator g, String field, @Nullable String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }

  /**
   * Reads one message published by {@link #stored}, keeping each record's JSON as the characters
   * it arrived as (not decoded). A message of a node that sent {@code seq} and {@code record}
   * alone is read too (its records decoded for the fields frames need).
   */
  static List<EncodedRecord> decode(String message) throws IOException {
    List<EncodedRecord> records = new ArrayList<>();
    try (JsonParser p = JSON.createParser(message)) {
      expect(p.nextToken(), JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String seq = null;
        String tenant = null;
        String traceId = null;
        String sessionId = null;
        String agentId = null;
        String agentName = null;
        String recordType = null;
        String timestamp = null;
        String json = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if ("record".equals(field)) {
            expect(value, JsonToken.START_OBJECT);
            int start = (int) p.currentTokenLocation().getCharOffset();
            p.skipChildren();
            int end = (int) p.currentTokenLocation().getCharOffset() + 1;
            json = message.substring(start, end);
            continue;
          }
          if (value.isStructStart()) {
            p.skipChildren();
            continue;
          }
          String text = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
          switch (field) {
            case "seq" -> seq = text;
            case "tenant" -> tenant = text;
            case "traceId" -> traceId = text;
            case "sessionId" -> sessionId = text;
            case "agentId" -> agentId = text;
            case "agentName" -> agentName = text;
            case "recordType" -> recordType = text;
            case "timestamp" -> timestamp = text;
            default -> { } // a newer node's field: not needed here
          }
        }
        if (seq == null || json == null) {
          throw new IOException("a live record without seq or record");
        }
        if (tenant == null || traceId == null || recordType == null || timestamp == null) {
          records.add(EncodedRecord.of(seq, RecordJson.mapper().readValue(json, FunctionalRecord.class), json));
        } else {
          records.add(new EncodedRecord(seq, tenant, traceId, sessionId, agentId, agentName, recordType,
              Instant.parse(timestamp), json));
        }
      }
      expect(p.currentToken(), JsonToken.END_ARRAY);
    }
    return records;
  }

  private static void expect(@Nullable JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("live batch: expected " + expected + ", found " + actual);
    }
  }
}
