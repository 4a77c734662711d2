package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TraceReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ws} protocol: a client subscribes to a trace, a session or an agent, optionally from
 * a cursor, and gets the stored record versions after it, a {@code synced} marker, then live ones,
 * each frame with the cursor to resume from.
 *
 * <p>Client messages: {@code {"op":"subscribe","traceId"|"sessionId"|"agentId":"...",
 * "cursor":"...", "id":"...", "tenant":"..."}} ({@code id}, {@code cursor} and {@code tenant}
 * optional; a {@code tenant} other than the connection's is refused with a 403 error frame) and
 * {@code {"op":"unsubscribe","id":"..."}}. Server frames: {@code subscribed}, {@code record} (with
 * {@code subscription}, {@code seq}, {@code cursor} and {@code record}), {@code synced}, {@code
 * heartbeat} (per subscription, with its cursor), {@code error} and {@code resync}.
 *
 * <p>No gap, no duplicate: the cursor ({@link Cursor}) is a watermark plus the versions after it
 * already sent. The stored phase reads the store's feed after the watermark in sequence order;
 * live versions that arrive meanwhile are held and sent after it; every heartbeat reads the feed
 * again after the watermark (catching what a lost live message or a lagging index missed) and then
 * moves the watermark to {@code now − settleWindow}.
 *
 * <p>Bounded memory: frames a slow client cannot take yet are queued up to {@link
 * WebConfig#maxPendingRecords()} per connection (and live versions held during the stored phase
 * likewise); past that the client gets a {@code resync} frame and the connection is closed
 * (1013): it reconnects and resumes from the cursor of the last frame it read, never silently
 * skipped. The stored phase reads pages only as the client drains them.
 *
 * <p>Confined to the web verticle's event loop: every method runs on {@code context}.
 */
final class LiveSockets {
  private static final Logger LOG = LoggerFactory.getLogger(LiveSockets.class);
  /** WebSocket close code 1013, "try again later". */
  private static final short CLOSE_TRY_AGAIN_LATER = 1013;
  static final int FEED_PAGE = 200;
  /** How long a client told to resync may take to read what was already sent before it is closed. */
  static final java.time.Duration RESYNC_GRACE = java.time.Duration.ofSeconds(60);
  static final int CATCH_UP_LIMIT = 1000;

  private final TraceReader reader;
  private final WebConfig config;
  private final Context context;
  private final WebMetrics metrics;
  private final Clock clock;
  private final Set<Connection> connections = new HashSet<>();

  LiveSockets(TraceReader reader, WebConfig config, Context context, WebMetrics metrics, Clock clock) {
    this.reader = reader;
    this.config = config;
    this.context = context;
    this.metrics = metrics;
    this.clock = clock;
  }

  void handle(ServerWebSocket ws, String tenant) {
    Connection connection = new Connection(ws, tenant);
    connections.add(connection);
    metrics.clients().incrementAndGet();
    ws.closeHandler(v -> connection.closed());
    ws.textMessageHandler(connection::onMessage);
    ws.drainHandler(v -> connection.drain());
  }

  /** One published batch from {@link LiveRecordBus}. */
  void onLive(String message) {
    List<StoredRecord> records;
    try {
      records = LiveRecordBus.decode(message);
    } catch (JsonProcessingException | RuntimeException e) {
      metrics.drop("live_unreadable");
      LOG.warn("dropping an unreadable live batch (viewers catch up at their next heartbeat)");
      return;
    }
    for (Connection connection : List.copyOf(connections)) {
      for (StoredRecord record : records) {
        connection.offer(record);
      }
    }
  }

  /** Heartbeat: catch every synced subscription up from the store and send its cursor. */
  void heartbeat() {
    for (Connection connection : List.copyOf(connections)) {
      connection.heartbeat();
    }
  }

  /** A stored page fits in half a client's queue, so a client that reads is never overrun by it. */
  private int pageSize() {
    return Math.max(1, Math.min(FEED_PAGE, config.maxPendingRecords() / 2));
  }

  private long nowNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private final class Connection {
    private final ServerWebSocket ws;
    private final String tenant;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private Runnable onDrained;
    private boolean closing;
    private boolean closed;
    private int nextId;

    Connection(ServerWebSocket ws, String tenant) {
      this.ws = ws;
      this.tenant = tenant;
    }

    void closed() {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
      connections.remove(this);
      metrics.clients().decrementAndGet();
      release();
    }

    /** Frees everything the connection holds and takes it off the queued-frames gauge. */
    private void release() {
      long held = backlog.size();
      for (Subscription s : subscriptions.values()) {
        held += s.pending == null ? 0 : s.pending.size();
      }
      metrics.queuedFrames().addAndGet(-held);
      backlog.clear();
      subscriptions.values().forEach(s -> s.pending = null);
      onDrained = null;
    }

    void onMessage(String text) {
      JsonNode message;
      try {
        message = RecordJson.mapper().readTree(text);
      } catch (JsonProcessingException e) {
        sendError(null, 400, "not JSON: " + e.getOriginalMessage());
        return;
      }
      String op = message.path("op").asText("");
      switch (op) {
        case "subscribe" -> subscribe(message);
        case "unsubscribe" -> {
          Subscription removed = subscriptions.remove(message.path("id").asText(""));
          if (removed != null && removed.pending != null) {
            metrics.queuedFrames().addAndGet(-removed.pending.size());
          }
        }
        default -> sendError(null, 400, "unknown op '" + op + "': use 'subscribe' or 'unsubscribe'");
      }
    }

    private void subscribe(JsonNode message) {
      String id = message.hasNonNull("id") ? message.get("id").asText() : "s" + (++nextId);
      FeedScope scope = null;
      String scopeId = null;
      for (FeedScope s : FeedScope.values()) {
        if (message.hasNonNull(s.field())) {
          if (scope != null) {
            scope = null;
            scopeId = null;
            break;
          }
          scope = s;
          scopeId = message.get(s.field()).asText();
        }
      }
      if (scope == null || scopeId.isBlank()) {
        sendError(id, 400, "subscribe needs exactly one of traceId, sessionId or agentId");
        return;
      }
      if (message.hasNonNull("tenant") && !message.get("tenant").asText().equals(tenant)) {
        sendError(id, 403, "this API key may not read tenant '" + message.get("tenant").asText() + "'");
        return;
      }
      if (scope == FeedScope.TRACE) {
        try {
          scopeId = TraceIds.toW3c(scopeId);
        } catch (IllegalArgumentException e) {
          sendError(id, 400, e.getMessage());
          return;
        }
      }
      Cursor cursor;
      try {
        cursor = message.hasNonNull("cursor") ? Cursor.parse(message.get("cursor").asText()) : Cursor.start();
      } catch (IllegalArgumentException e) {
        sendError(id, 400, e.getMessage());
        return;
      }
      Subscription previous = subscriptions.remove(id);
      if (previous != null && previous.pending != null) {
        metrics.queuedFrames().addAndGet(-previous.pending.size());
      }
      Subscription sub = new Subscription(id, scope, scopeId, cursor);
      subscriptions.put(id, sub);
      ObjectNode ack = frame("subscribed", id);
      ack.put(scope.field(), scopeId);
      write(ack);
      load(sub, cursor.after(), nowNanos(), 0);
    }

    /** The stored phase, one page at a time, the next page only once the client drained. */
    private void load(Subscription sub, String after, long startedNanos, int sentSoFar) {
      int pageSize = pageSize();
      Future.fromCompletionStage(
              reader.feed(tenant, sub.scope, sub.scopeId, after, pageSize), context)
          .onFailure(e -> {
            if (subscriptions.remove(sub.id) == sub && sub.pending != null) {
              metrics.queuedFrames().addAndGet(-sub.pending.size());
            }
            sendError(sub.id, 503, "store unavailable: " + e.getMessage());
          })
          .onSuccess(page -> {
            if (closing || subscriptions.get(sub.id) != sub) {
              return;
            }
            long settled = startedNanos - config.settleWindow().toNanos();
            int sent = sentSoFar;
            for (StoredRecord r : page) {
              if (deliver(sub, r)) {
                sent++;
              }
              long stamp = IngestSeq.stampNanos(r.seq());
              if (stamp <= settled) {
                sub.cursor.advance(stamp); // in sequence order: everything up to it is sent
              }
            }
            if (closing) {
              return;
            }
            if (page.size() == pageSize) {
              String next = page.get(page.size() - 1).seq();
              int total = sent;
              Runnable more = () -> load(sub, next, startedNanos, total);
              if (backlog.isEmpty()) {
                more.run();
              } else {
                onDrained = more;
              }
              return;
            }
            sub.cursor.advance(settled);
            List<StoredRecord> held = sub.pending;
            sub.pending = null;
            metrics.queuedFrames().addAndGet(-held.size());
            held.forEach(r -> deliver(sub, r));
            ObjectNode synced = frame("synced", sub.id);
            synced.put("stored", sent);
            synced.put("cursor", sub.cursor.encode());
            write(synced);
          });
    }

    void offer(StoredRecord record) {
      for (Subscription sub : List.copyOf(subscriptions.values())) {
        if (closing) {
          return;
        }
        if (!sub.matches(tenant, record.record())) {
          continue;
        }
        if (sub.pending != null) {
          if (sub.pending.size() >= config.maxPendingRecords()) {
            overflow();
            return;
          }
          sub.pending.add(record);
          metrics.queuedFrames().incrementAndGet();
        } else {
          deliver(sub, record);
        }
      }
    }

    void heartbeat() {
      if (closing) {
        return;
      }
      if (subscriptions.isEmpty()) {
        ObjectNode beat = frame("heartbeat", null);
        beat.put("time", clock.instant().toString());
        write(beat);
        return;
      }
      for (Subscription sub : List.copyOf(subscriptions.values())) {
        if (sub.pending != null || sub.catchingUp) {
          continue; // still loading its stored records, or the last catch-up is still running
        }
        sub.catchingUp = true;
        long started = nowNanos();
        Future.fromCompletionStage(
                reader.feed(tenant, sub.scope, sub.scopeId, sub.cursor.after(), CATCH_UP_LIMIT), context)
            .onComplete(ar -> {
              sub.catchingUp = false;
              if (closing || subscriptions.get(sub.id) != sub) {
                return;
              }
              if (ar.succeeded()) {
                ar.result().forEach(r -> deliver(sub, r));
                if (ar.result().size() < CATCH_UP_LIMIT) {
                  sub.cursor.advance(started - config.settleWindow().toNanos());
                }
              }
              ObjectNode beat = frame("heartbeat", sub.id);
              beat.put("time", clock.instant().toString());
              beat.put("cursor", sub.cursor.encode());
              write(beat);
            });
      }
    }

    /** Sends {@code r} unless the client has it; true if sent. */
    private boolean deliver(Subscription sub, StoredRecord r) {
      if (sub.cursor.has(r.seq())) {
        return false;
      }
      sub.cursor.delivered(r.seq());
      ObjectNode frame = frame("record", sub.id);
      frame.put("seq", r.seq());
      frame.put("cursor", sub.cursor.encode());
      frame.set("record", RecordJson.mapper().valueToTree(r.record()));
      write(frame);
      return true;
    }

    private void sendError(String id, int status, String message) {
      ObjectNode frame = frame("error", id);
      frame.put("status", status);
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
        metrics.queuedFrames().incrementAndGet();
        return;
      }
      ws.writeTextMessage(text);
    }

    void drain() {
      while (!closing && !backlog.isEmpty() && !ws.writeQueueFull()) {
        ws.writeTextMessage(backlog.poll());
        metrics.queuedFrames().decrementAndGet();
      }
      if (!closing && backlog.isEmpty() && onDrained != null) {
        Runnable next = onDrained;
        onDrained = null;
        next.run();
      }
    }

    /**
     * Too far behind: say so, free the memory and close. The client resumes from the cursor of
     * the last frame it read (frames dropped from the queue were never sent, so the server's own
     * cursor would skip them).
     */
    private void overflow() {
      if (closing) {
        return;
      }
      closing = true;
      metrics.drop("slow_client");
      ObjectNode frame = frame("resync", null);
      frame.put("message",
          "client too slow: reconnect and subscribe again with the cursor of the last frame you read");
      release();
      // Close once the resync frame is flushed: closing earlier could discard it with the frames
      // still in the connection's buffer. A client that never reads is closed after a grace time.
      ws.writeTextMessage(frame.toString())
          .onComplete(ar -> ws.close(CLOSE_TRY_AGAIN_LATER, "slow consumer: resubscribe from your cursor"));
      context.owner().setTimer(RESYNC_GRACE.toMillis(), id -> {
        if (!ws.isClosed()) {
          ws.close(CLOSE_TRY_AGAIN_LATER, "slow consumer: resubscribe from your cursor");
        }
      });
    }
  }

  private static final class Subscription {
    final String id;
    final FeedScope scope;
    final String scopeId;
    final Cursor cursor;
    /** Live versions held while the stored ones load; null once synced. */
    List<StoredRecord> pending = new ArrayList<>();
    boolean catchingUp;

    Subscription(String id, FeedScope scope, String scopeId, Cursor cursor) {
      this.id = id;
      this.scope = scope;
      this.scopeId = scopeId;
      this.cursor = cursor;
    }

    boolean matches(String tenant, FunctionalRecord r) {
      if (!tenant.equals(r.tenant())) {
        return false;
      }
      return switch (scope) {
        case TRACE -> scopeId.equals(TraceIds.toW3c(r.traceId()));
        case SESSION -> scopeId.equals(r.sessionId());
        case AGENT -> Objects.equals(scopeId, r.agentId());
      };
    }
  }
}
