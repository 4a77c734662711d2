package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.TraceReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ws} protocol: a client subscribes by {@code traceId} or {@code sessionId} and gets
 * the stored records, a {@code synced} marker, then live records as they are stored.
 *
 * <p>Messages from the client: {@code {"op":"subscribe","traceId":"..."}} (or {@code sessionId};
 * an optional {@code "id"} names the subscription) and {@code {"op":"unsubscribe","id":"..."}}.
 * From the server: {@code subscribed}, {@code record} (with the subscription id and the record),
 * {@code synced} and {@code error}.
 *
 * <p>No gap between stored and live: live records that arrive while the stored ones load are held
 * and sent after them; a record already sent unchanged is not sent again (a re-exported span).
 *
 * <p>Bounded memory: a client that reads slower than records arrive gets frames queued up to
 * {@link WebConfig#maxPendingRecords()}; past that it is told to resubscribe ({@code resync}) and
 * closed, never silently skipped.
 *
 * <p>Confined to the web verticle's event loop: every method runs on {@code context}.
 */
final class LiveSockets {
  private static final Logger LOG = LoggerFactory.getLogger(LiveSockets.class);
  /** WebSocket close code 1013, "try again later". */
  private static final short CLOSE_TRY_AGAIN_LATER = 1013;

  private final TraceReader reader;
  private final WebConfig config;
  private final Context context;
  private final Set<Connection> connections = new HashSet<>();
  private final AtomicLong slowClientsClosed = new AtomicLong();

  LiveSockets(TraceReader reader, WebConfig config, Context context) {
    this.reader = reader;
    this.config = config;
    this.context = context;
  }

  void handle(ServerWebSocket ws) {
    Connection connection = new Connection(ws);
    connections.add(connection);
    ws.closeHandler(v -> connections.remove(connection));
    ws.textMessageHandler(connection::onMessage);
    ws.drainHandler(v -> connection.drain());
  }

  /** One published batch from {@link LiveRecordBus}. */
  void onLive(String message) {
    List<FunctionalRecord> records;
    try {
      records = LiveRecordBus.decode(message);
    } catch (JsonProcessingException e) {
      LOG.warn("dropping an unreadable live batch: {}", e.getOriginalMessage());
      return;
    }
    for (Connection connection : List.copyOf(connections)) {
      for (FunctionalRecord record : records) {
        connection.offer(record);
      }
    }
  }

  long slowClientsClosed() {
    return slowClientsClosed.get();
  }

  private final class Connection {
    private final ServerWebSocket ws;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private boolean closing;
    private int nextId;

    Connection(ServerWebSocket ws) {
      this.ws = ws;
    }

    void onMessage(String text) {
      JsonNode message;
      try {
        message = RecordJson.mapper().readTree(text);
      } catch (JsonProcessingException e) {
        sendError(null, "not JSON: " + e.getOriginalMessage());
        return;
      }
      String op = message.path("op").asText("");
      switch (op) {
        case "subscribe" -> subscribe(message);
        case "unsubscribe" -> subscriptions.remove(message.path("id").asText(""));
        default -> sendError(null, "unknown op '" + op + "': use 'subscribe' or 'unsubscribe'");
      }
    }

    private void subscribe(JsonNode message) {
      String id = message.hasNonNull("id") ? message.get("id").asText() : "s" + (++nextId);
      String traceId = message.path("traceId").asText(null);
      String sessionId = message.path("sessionId").asText(null);
      if ((traceId == null) == (sessionId == null)) {
        sendError(id, "subscribe needs exactly one of traceId or sessionId");
        return;
      }
      String tenant = config.defaultTenant();
      Subscription sub;
      CompletionStage<List<FunctionalRecord>> stored;
      if (traceId != null) {
        try {
          traceId = TraceIds.toW3c(traceId);
        } catch (IllegalArgumentException e) {
          sendError(id, e.getMessage());
          return;
        }
        sub = new Subscription(id, tenant, traceId, null);
        stored = reader.findByTrace(tenant, traceId);
      } else {
        sub = new Subscription(id, tenant, null, sessionId);
        stored = reader.findBySession(tenant, sessionId);
      }
      subscriptions.put(id, sub);
      ObjectNode ack = frame("subscribed", id);
      if (traceId != null) {
        ack.put("traceId", traceId);
      } else {
        ack.put("sessionId", sessionId);
      }
      write(ack);
      Future.fromCompletionStage(stored, context)
          .onFailure(e -> {
            subscriptions.remove(id);
            sendError(id, "store unavailable: " + e.getMessage());
          })
          .onSuccess(records -> {
            if (subscriptions.get(id) != sub) {
              return; // unsubscribed while loading
            }
            records.forEach(r -> send(sub, r));
            List<FunctionalRecord> held = sub.pending;
            sub.pending = null;
            held.forEach(r -> send(sub, r));
            ObjectNode synced = frame("synced", id);
            synced.put("stored", records.size());
            write(synced);
          });
    }

    void offer(FunctionalRecord record) {
      for (Subscription sub : List.copyOf(subscriptions.values())) {
        if (closing) {
          return;
        }
        if (!sub.matches(record)) {
          continue;
        }
        if (sub.pending != null) {
          if (sub.pending.size() >= config.maxPendingRecords()) {
            overflow();
            return;
          }
          sub.pending.add(record);
        } else {
          send(sub, record);
        }
      }
    }

    private void send(Subscription sub, FunctionalRecord record) {
      Integer sentVersion = sub.sent.put(record.recordId(), record.hashCode());
      if (sentVersion != null && sentVersion == record.hashCode()) {
        return; // already sent, unchanged
      }
      ObjectNode frame = frame("record", sub.id);
      frame.set("record", RecordJson.mapper().valueToTree(record));
      write(frame);
    }

    private void sendError(String id, String message) {
      ObjectNode frame = frame("error", id);
      frame.put("message", message);
      write(frame);
    }

    private ObjectNode frame(String type, String id) {
      ObjectNode frame = RecordJson.mapper().createObjectNode();
      frame.put("type", type);
      if (id != null) {
        frame.put("subscription", id);
      }
      return frame;
    }

    private void write(ObjectNode frame) {
      if (closing) {
        return;
      }
      String text = frame.toString();
      if (!backlog.isEmpty() || ws.writeQueueFull()) {
        if (backlog.size() >= config.maxPendingRecords()) {
          overflow();
          return;
        }
        backlog.add(text);
        return;
      }
      ws.writeTextMessage(text);
    }

    void drain() {
      while (!closing && !backlog.isEmpty() && !ws.writeQueueFull()) {
        ws.writeTextMessage(backlog.poll());
      }
    }

    /** Too far behind: say so, free the memory and close; the client resubscribes. */
    private void overflow() {
      if (closing) {
        return;
      }
      closing = true;
      backlog.clear();
      subscriptions.clear();
      slowClientsClosed.incrementAndGet();
      ObjectNode frame = frame("resync", null);
      frame.put("message", "client too slow: reconnect and subscribe again");
      ws.writeTextMessage(frame.toString());
      ws.close(CLOSE_TRY_AGAIN_LATER, "slow consumer: resubscribe");
    }
  }

  private static final class Subscription {
    final String id;
    final String tenant;
    final String traceId;
    final String sessionId;
    final Map<String, Integer> sent = new HashMap<>();
    /** Live records held while the stored ones load; null once synced. */
    List<FunctionalRecord> pending = new ArrayList<>();

    Subscription(String id, String tenant, String traceId, String sessionId) {
      this.id = id;
      this.tenant = tenant;
      this.traceId = traceId;
      this.sessionId = sessionId;
    }

    boolean matches(FunctionalRecord r) {
      if (!tenant.equals(r.tenant())) {
        return false;
      }
      return traceId != null ? traceId.equals(r.traceId()) : sessionId.equals(r.sessionId());
    }
  }
}
