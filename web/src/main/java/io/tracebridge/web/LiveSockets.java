package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TraceReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
 * heartbeat} (one per socket: {@code cursors}, each synced subscription's cursor by its id),
 * {@code error} (with {@code status}, {@code message}, and {@code code} {@code bad_cursor} for a
 * cursor this deployment did not issue to the tenant) and {@code resync}. Every op gets an
 * answer, a failure included.
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
 * <p>Bounded work: a socket holds at most {@link WebConfig#maxSubscriptionsPerSocket()}
 * subscriptions and a tenant {@link WebConfig#maxSubscriptionsPerTenant()} on this node; their
 * store reads go through a {@link ReadGate} per socket (one at a time) and one per node, so they
 * cannot fill the store's shared queue. A socket the server closes (1013) that does not answer
 * the close within {@link WebConfig#closeTimeout()} has its TCP connection dropped.
 *
 * <p>Confined to the web verticle's event loop: every method runs on {@code context}.
 */
final class LiveSockets {
  private static final Logger LOG = LoggerFactory.getLogger(LiveSockets.class);
  /** WebSocket close code 1013, "try again later". */
  private static final short CLOSE_TRY_AGAIN_LATER = 1013;
  static final int FEED_PAGE = 200;
  static final int CATCH_UP_LIMIT = 1000;
  /** Plain JSON, as {@code ObjectNode#toString} writes the other frames. */
  private static final JsonFactory FRAME_JSON = new JsonFactory();

  private final TraceReader reader;
  private final WebConfig config;
  private final Context context;
  private final WebMetrics metrics;
  private final Clock clock;
  private final CursorSeal cursors;
  private final Set<Connection> connections = new HashSet<>();
  /** Subscriptions held per tenant on this node. */
  private final Map<String, Integer> tenantSubscriptions = new HashMap<>();
  private final ReadGate nodeReads;

  LiveSockets(TraceReader reader, WebConfig config, Context context, WebMetrics metrics, Clock clock,
      CursorSeal cursors) {
    this.cursors = cursors;
    this.nodeReads = new ReadGate(config.maxFeedReads());
    this.reader = reader;
    this.config = config;
    this.context = context;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Serves {@code ws} for {@code tenant}; {@code drop} closes its TCP connection at once (for a
   * client that does not answer the close).
   */
  void handle(ServerWebSocket ws, String tenant, Runnable drop) {
    Connection connection = new Connection(ws, tenant, drop);
    connections.add(connection);
    metrics.clients().incrementAndGet();
    metrics.connectionOpened();
    ws.closeHandler(v -> connection.closed());
    ws.textMessageHandler(connection::onMessage);
    ws.drainHandler(v -> connection.drain());
  }

  /**
   * One published batch from {@link LiveRecordBus}: read once (each record's JSON kept as it
   * came), then offered to every connection in the batch's order.
   */
  void onLive(String message) {
    List<EncodedRecord> records;
    try {
      records = LiveRecordBus.decode(message);
    } catch (IOException | RuntimeException e) {
      metrics.drop("live_unreadable");
      LOG.warn("dropping an unreadable live batch (viewers catch up at their next heartbeat)");
      return;
    }
    for (Connection connection : List.copyOf(connections)) {
      for (EncodedRecord record : records) {
        connection.offer(record);
      }
      connection.offerRuns(records);
    }
  }

  /** Heartbeat: catch every synced subscription up from the store, then send each socket its cursors. */
  void heartbeat() {
    for (Connection connection : List.copyOf(connections)) {
      connection.heartbeat();
    }
  }

  /** A stored page fits in half a client's queue, so a client that reads is never overrun by it. */
  private int pageSize() {
    return Math.max(1, Math.min(FEED_PAGE, config.maxPendingRecords() / 2));
  }

  private int tenantCount(String tenant) {
    return tenantSubscriptions.getOrDefault(tenant, 0);
  }

  private void countTenant(String tenant, int delta) {
    if (delta != 0) {
      tenantSubscriptions.merge(tenant, delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  private long nowNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private final class Connection {
    private final ServerWebSocket ws;
    private final String tenant;
    private final Runnable drop;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    /** Run-list subscriptions ({@code "runs": true}) by id: no cursor, no stored phase. */
    private final Set<String> runSubscriptions = new java.util.LinkedHashSet<>();
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private final ReadGate socketReads = new ReadGate(1);
    private Runnable onDrained;
    private boolean closing;
    private boolean closed;
    private boolean heartbeatPending;
    private int nextId;

    Connection(ServerWebSocket ws, String tenant, Runnable drop) {
      this.ws = ws;
      this.tenant = tenant;
      this.drop = drop;
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
      countTenant(tenant, -subscriptions.size() - runSubscriptions.size());
      subscriptions.clear();
      runSubscriptions.clear();
      onDrained = null;
    }

    /** Ends {@code id}'s subscription, if there is one, and frees what it holds. */
    private void unsubscribe(String id) {
      if (runSubscriptions.remove(id)) {
        countTenant(tenant, -1);
        return;
      }
      Subscription removed = subscriptions.remove(id);
      if (removed == null) {
        return;
      }
      countTenant(tenant, -1);
      if (removed.pending != null) {
        metrics.queuedFrames().addAndGet(-removed.pending.size());
        removed.pending = null;
      }
    }

    /** One store read for {@code sub}, through the socket's and the node's gates; empty once it is gone. */
    private Future<List<StoredRecord>> feed(Subscription sub, String after, int limit) {
      return socketReads.submit(() -> nodeReads.submit(() -> closing || subscriptions.get(sub.id) != sub
          ? Future.succeededFuture(List.of())
          : Future.fromCompletionStage(reader.feed(tenant, sub.scope, sub.scopeId, after, limit), context)));
    }

    void onMessage(String text) {
      try {
        handleMessage(text);
      } catch (RuntimeException e) {
        fault(null, e);
      }
    }

    private void handleMessage(String text) {
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
        case "unsubscribe" -> unsubscribe(message.path("id").asText(""));
        default -> sendError(null, 400, "unknown op '" + op + "': use 'subscribe' or 'unsubscribe'");
      }
    }

    private void subscribe(JsonNode message) {
      String id = message.hasNonNull("id") ? message.get("id").asText() : "s" + (++nextId);
      if (message.path("runs").asBoolean(false)) {
        subscribeRuns(id, message);
        return;
      }
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
        sendError(id, 400, "subscribe needs exactly one of traceId, sessionId or agentId (or \"runs\": true)");
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
        cursor = message.hasNonNull("cursor")
            ? Cursor.parse(cursors, tenant, message.get("cursor").asText()) : Cursor.start();
      } catch (CursorSeal.BadCursorException e) {
        ObjectNode error = errorFrame(id, 400, e.getMessage());
        error.put("code", "bad_cursor");
        write(error);
        return;
      }
      unsubscribe(id); // the same id again replaces it
      if (!admit(id)) {
        return;
      }
      Subscription sub = new Subscription(id, scope, scopeId, cursor);
      subscriptions.put(id, sub);
      countTenant(tenant, 1);
      metrics.subscriptionOpened();
      ObjectNode ack = frame("subscribed", id);
      ack.put(scope.field(), scopeId);
      write(ack);
      load(sub, cursor.after(), nowNanos(), 0);
    }

    /**
     * The run list: a {@code run} frame per trace each time new versions of its records are
     * stored (one per trace per published batch), with what the list needs to place it; no
     * stored phase (the list's first page is {@code GET /api/traces}), so {@code synced} follows
     * {@code subscribed} at once.
     */
    private void subscribeRuns(String id, JsonNode message) {
      if (message.hasNonNull("tenant") && !message.get("tenant").asText().equals(tenant)) {
        sendError(id, 403, "this API key may not read tenant '" + message.get("tenant").asText() + "'");
        return;
      }
      unsubscribe(id);
      if (!admit(id)) {
        return;
      }
      runSubscriptions.add(id);
      countTenant(tenant, 1);
      metrics.subscriptionOpened();
      ObjectNode ack = frame("subscribed", id);
      ack.put("runs", true);
      write(ack);
      ObjectNode synced = frame("synced", id);
      synced.put("stored", 0);
      write(synced);
    }

    void offerRuns(List<EncodedRecord> records) {
      if (closing || runSubscriptions.isEmpty()) {
        return;
      }
      Map<String, EncodedRecord> latest = new java.util.LinkedHashMap<>();
      for (EncodedRecord r : records) {
        if (tenant.equals(r.tenant())) {
          latest.merge(r.traceId(), r, (a, b) -> b.timestamp().isBefore(a.timestamp()) ? a : b);
        }
      }
      for (String id : List.copyOf(runSubscriptions)) {
        for (Map.Entry<String, EncodedRecord> e : latest.entrySet()) {
          if (closing) {
            return;
          }
          EncodedRecord r = e.getValue();
          ObjectNode frame = frame("run", id);
          frame.put("traceId", e.getKey());
          putIfPresent(frame, "sessionId", r.sessionId());
          putIfPresent(frame, "agentId", r.agentId());
          putIfPresent(frame, "agentName", r.agentName());
          frame.put("recordType", r.recordType());
          frame.put("timestamp", r.timestamp().toString());
          write(frame);
        }
      }
    }

    private void putIfPresent(ObjectNode frame, String field, String value) {
      if (value != null) {
        frame.put(field, value);
      }
    }

    /** Whether the socket and the tenant may hold one more subscription; answers 429 if not. */
    private boolean admit(String id) {
      if (subscriptions.size() + runSubscriptions.size() >= config.maxSubscriptionsPerSocket()) {
        sendError(id, 429, "too many subscriptions on this connection: it holds "
            + (subscriptions.size() + runSubscriptions.size()) + ", the most allowed; unsubscribe one first");
        return false;
      }
      if (tenantCount(tenant) >= config.maxSubscriptionsPerTenant()) {
        sendError(id, 429, "too many subscriptions for this tenant on this web node: "
            + tenantCount(tenant) + ", the most allowed; unsubscribe some first");
        return false;
      }
      return true;
    }

    /** The stored phase, one page at a time, the next page only once the client drained. */
    private void load(Subscription sub, String after, long startedNanos, int sentSoFar) {
      int pageSize = pageSize();
      feed(sub, after, pageSize)
          .onFailure(e -> {
            if (subscriptions.get(sub.id) == sub) {
              unsubscribe(sub.id);
              fault(sub.id, e);
            }
          })
          .onSuccess(page -> {
            if (closing || subscriptions.get(sub.id) != sub) {
              return;
            }
            long settled = startedNanos - config.settleWindow().toNanos();
            int sent = sentSoFar;
            for (StoredRecord r : page) {
              if (deliverStored(sub, r)) {
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
            List<EncodedRecord> held = sub.pending;
            sub.pending = null;
            metrics.queuedFrames().addAndGet(-held.size());
            held.forEach(r -> deliver(sub, r));
            ObjectNode synced = frame("synced", sub.id);
            synced.put("stored", sent);
            synced.put("cursor", sub.cursor.encode(cursors, tenant));
            write(synced);
          });
    }

    void offer(EncodedRecord record) {
      for (Subscription sub : List.copyOf(subscriptions.values())) {
        if (closing) {
          return;
        }
        if (!sub.matches(tenant, record)) {
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

    /**
     * Catches every synced subscription up from the store, then sends one heartbeat with all
     * their cursors. A socket whose last heartbeat's reads are still running skips this one.
     */
    void heartbeat() {
      if (closing || heartbeatPending) {
        return;
      }
      heartbeatPending = true;
      long started = nowNanos();
      List<Future<?>> catchUps = new ArrayList<>();
      for (Subscription sub : subscriptions.values()) {
        if (sub.pending == null) { // synced; one still loading its stored records is caught up by that
          catchUps.add(feed(sub, sub.cursor.after(), CATCH_UP_LIMIT).onSuccess(page -> {
            if (closing || subscriptions.get(sub.id) != sub) {
              return;
            }
            page.forEach(r -> deliverStored(sub, r));
            if (page.size() < CATCH_UP_LIMIT) {
              sub.cursor.advance(started - config.settleWindow().toNanos());
            }
          }));
        }
      }
      Future.join(catchUps).onComplete(ar -> {
        heartbeatPending = false;
        if (closing) {
          return;
        }
        ObjectNode beat = frame("heartbeat", null);
        beat.put("time", clock.instant().toString());
        ObjectNode byId = beat.putObject("cursors");
        subscriptions.values().stream().filter(sub -> sub.pending == null)
            .forEach(sub -> byId.put(sub.id, sub.cursor.encode(cursors, tenant)));
        write(beat);
      });
    }

    /** A version read from the store: encoded only if the client does not have it yet. */
    private boolean deliverStored(Subscription sub, StoredRecord r) {
      return !sub.cursor.has(r.seq()) && deliver(sub, EncodedRecord.of(r));
    }

    /**
     * Sends {@code r} unless the client has it; true if sent. The frame is {@code {"type":
     * "record", "subscription", "seq", "cursor", "record"}} with the record's JSON copied in as
     * it was encoded once for every subscriber.
     */
    private boolean deliver(Subscription sub, EncodedRecord r) {
      if (sub.cursor.has(r.seq())) {
        return false;
      }
      sub.cursor.delivered(r.seq());
      write(recordFrame(sub.id, r.seq(), sub.cursor.encode(cursors, tenant), r.json()));
      return true;
    }

    private void sendError(String id, int status, String message) {
      write(errorFrame(id, status, message));
    }

    private ObjectNode errorFrame(String id, int status, String message) {
      ObjectNode frame = frame("error", id);
      frame.put("status", status);
      frame.put("message", message);
      return frame;
    }

    /**
     * A failure that is not the client's: logged with a request id, answered 503 (the store,
     * retryable) or 500 with that id and never the exception's text, as on REST.
     */
    private void fault(String id, Throwable failure) {
      HttpErrors.Fault fault = HttpErrors.Fault.logged(failure, "websocket, subscription " + id);
      ObjectNode frame = errorFrame(id, fault.retryable() ? 503 : 500, fault.retryable()
          ? "the store is unavailable; subscribe again shortly with your cursor"
          : "internal error; quote the requestId when you report it");
      frame.put("requestId", fault.requestId());
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
      if (!closing) {
        write(frame.toString());
      }
    }

    private void write(String text) {
      if (closing) {
        return;
      }
      if (!backlog.isEmpty() || ws.writeQueueFull()) {
        if (backlog.size() >= config.maxPendingRecords()) {
          overflow();
          return;
        }
        backlog.add(text);
        metrics.queuedFrames().incrementAndGet();
        return;
      }
      metrics.frameSent(); // before the write: a client that has the frame sees it counted
      ws.writeTextMessage(text);
    }

    void drain() {
      while (!closing && !backlog.isEmpty() && !ws.writeQueueFull()) {
        metrics.frameSent();
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
      // What was held for it, and the frame that did not fit.
      long discarded = backlog.size() + 1;
      for (Subscription s : subscriptions.values()) {
        discarded += s.pending == null ? 0 : s.pending.size();
      }
      metrics.framesDropped(discarded);
      ObjectNode frame = frame("resync", null);
      frame.put("message",
          "client too slow: reconnect and subscribe again with the cursor of the last frame you read");
      release();
      // The resync frame goes out before the close frame. A client that reads neither never
      // answers the close, and Vert.x's own close time-out only starts once the close frame is
      // flushed, which it never is: drop the TCP connection after the close time-out.
      metrics.frameSent();
      ws.writeTextMessage(frame.toString());
      ws.close(CLOSE_TRY_AGAIN_LATER, "slow consumer: resubscribe from your cursor");
      context.owner().setTimer(config.closeTimeout().toMillis(), id -> {
        if (!closed) {
          LOG.info("dropping the TCP connection of a websocket that did not answer its close within {}",
              config.closeTimeout());
          drop.run();
          closed(); // whether or not Vert.x reports the close of a connection it did not close itself
        }
      });
    }
  }

  /**
   * A {@code record} frame, the fields in the order they always had ({@code type}, {@code
   * subscription}, {@code seq}, {@code cursor}, {@code record}), {@code recordJson} copied in.
   */
  static String recordFrame(String subscription, String seq, String cursor, String recordJson) {
    StringWriter out = new StringWriter(recordJson.length() + 160);
    try (JsonGenerator g = FRAME_JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "record");
      g.writeStringField("subscription", subscription);
      g.writeStringField("seq", seq);
      g.writeStringField("cursor", cursor);
      g.writeFieldName("record");
      g.writeRawValue(recordJson);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static final class Subscription {
    final String id;
    final FeedScope scope;
    final String scopeId;
    final Cursor cursor;
    /** Live versions held while the stored ones load; null once synced. */
    List<EncodedRecord> pending = new ArrayList<>();

    Subscription(String id, FeedScope scope, String scopeId, Cursor cursor) {
      this.id = id;
      this.scope = scope;
      this.scopeId = scopeId;
      this.cursor = cursor;
    }

    boolean matches(String tenant, EncodedRecord r) {
      if (!tenant.equals(r.tenant())) {
        return false;
      }
      return switch (scope) {
        case TRACE -> scopeId.equals(r.traceId());
        case SESSION -> scopeId.equals(r.sessionId());
        case AGENT -> Objects.equals(scopeId, r.agentId());
      };
    }
  }
}
