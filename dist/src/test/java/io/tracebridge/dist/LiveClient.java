package io.tracebridge.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * A websocket client of TraceBridge's {@code /ws} that behaves as a viewer behind a load balancer
 * should: one subscription (trace, session or agent), and when its connection drops it connects to
 * the next web node of its list and subscribes again with the cursor of the last frame it read, so
 * it gets everything after that frame, once.
 *
 * <p>Every frame received is handed, in order, to the {@link Consumer} given at construction,
 * with its arrival time and the number of the connection it came on (1 for the first, 2 after the
 * first reconnect, ...). The consumer runs on the JDK websocket's thread, one frame at a time.
 *
 * <p>Thread-safe. Reconnecting happens on the JDK HTTP client's threads; {@link #close()} stops it.
 */
public final class LiveClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Pause between connection attempts while no web node answers. */
  private static final Duration RECONNECT_PAUSE = Duration.ofMillis(200);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** One frame as it arrived: {@code type} is its {@code "type"} ({@code record}, {@code synced}, ...). */
  public record Frame(String type, JsonNode json, long arrivedEpochNanos, int connection) {
    /** The record of a {@code record} frame. */
    public JsonNode record() {
      return json.path("record");
    }

    /**
     * The {@code seq} of a {@code record} frame, {@code {stamp}#{recordId}}: names one stored
     * version of one record.
     */
    public String version() {
      return json.path("seq").asText();
    }
  }

  private final String name;
  private final List<String> urls;
  private final String scopeField;
  private final String scopeId;
  private final Consumer<Frame> observer;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  private final Object lock = new Object();
  private @Nullable String cursor;
  private int connection;
  private int urlIndex;
  private int syncedConnection;
  private boolean closed;
  private @Nullable WebSocket socket;

  /**
   * Connects to {@code urls.get(0)} and subscribes; returns once connected (the {@code
   * subscribed} and {@code synced} frames follow: see {@link #awaitSynced}).
   *
   * @param urls {@code ws://host:port/ws} of the web nodes, this client's own first; reconnects go
   *     to the next one in the list, round robin
   * @param scopeField {@code traceId}, {@code sessionId} or {@code agentId}
   */
  public static LiveClient subscribe(String name, List<String> urls, String scopeField, String scopeId,
      Consumer<Frame> observer) {
    LiveClient client = new LiveClient(name, urls, scopeField, scopeId, observer);
    synchronized (client.lock) {
      client.connection = 1;
    }
    client.socket = client.connect(client.urls.get(0), 1).join();
    return client;
  }

  private LiveClient(String name, List<String> urls, String scopeField, String scopeId, Consumer<Frame> observer) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("a LiveClient needs at least one web node");
    }
    this.name = name;
    this.urls = List.copyOf(urls);
    this.scopeField = scopeField;
    this.scopeId = scopeId;
    this.observer = observer;
  }

  public String name() {
    return name;
  }

  /** Connections made so far: 1 until the first reconnect. */
  public int connections() {
    synchronized (lock) {
      return connection;
    }
  }

  /** The cursor of the last frame that carried one; null before the first. */
  @Nullable
  public String cursor() {
    synchronized (lock) {
      return cursor;
    }
  }

  /** The web node this client is (or was last) connected to. */
  public String currentUrl() {
    synchronized (lock) {
      return urls.get(urlIndex);
    }
  }

  /**
   * Waits until connection number {@code connectionNumber} (or a later one) has had its {@code
   * synced} frame: its stored records are all delivered.
   */
  public void awaitSynced(int connectionNumber, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (syncedConnection < connectionNumber) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(name + ": connection " + connectionNumber + " not synced within "
              + timeout + " (on " + urls.get(urlIndex) + ", connection " + connection + ")");
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  /** Closes the connection and stops reconnecting. */
  @Override
  public void close() {
    WebSocket current;
    synchronized (lock) {
      closed = true;
      current = socket;
    }
    if (current != null) {
      current.abort();
    }
  }

  private CompletableFuture<WebSocket> connect(String url, int connectionNumber) {
    return http.newWebSocketBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .buildAsync(URI.create(url), new Listener(connectionNumber))
        .thenCompose(ws -> ws.sendText(subscribeMessage(), true));
  }

  private String subscribeMessage() {
    ObjectNode message = JSON.createObjectNode().put("op", "subscribe").put(scopeField, scopeId);
    String from = cursor();
    if (from != null) {
      message.put("cursor", from);
    }
    return message.toString();
  }

  /** The connection dropped: connect to the next web node that answers, from the last cursor. */
  private void reconnect(int droppedConnection) {
    int number;
    String url;
    synchronized (lock) {
      if (closed || droppedConnection != connection) {
        return; // closed on purpose, or already reconnected
      }
      number = ++connection;
      urlIndex = (urlIndex + 1) % urls.size();
      url = urls.get(urlIndex);
    }
    connect(url, number).whenComplete((ws, error) -> {
      boolean abort;
      synchronized (lock) {
        abort = closed;
        if (error == null) {
          socket = ws;
        }
      }
      if (error == null && abort) {
        ws.abort();
      } else if (error != null && !abort) {
        // That node does not answer either: try the next one after a pause.
        CompletableFuture.delayedExecutor(RECONNECT_PAUSE.toMillis(), TimeUnit.MILLISECONDS)
            .execute(() -> reconnect(number));
      }
    });
  }

  private final class Listener implements WebSocket.Listener {
    private final int connectionNumber;
    private final StringBuilder partial = new StringBuilder();

    Listener(int connectionNumber) {
      this.connectionNumber = connectionNumber;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        long arrived = epochNanos(Instant.now());
        JsonNode json;
        try {
          json = JSON.readTree(partial.toString());
        } catch (IOException e) {
          throw new CompletionException(new AssertionError(name + ": a frame that is not JSON: " + partial, e));
        }
        partial.setLength(0);
        Frame frame = new Frame(json.path("type").asText(), json, arrived, connectionNumber);
        // The consumer sees the frame before the cursor moves past it, so a reconnect resumes
        // after what the consumer has.
        observer.accept(frame);
        synchronized (lock) {
          if (json.hasNonNull("cursor")) {
            cursor = json.get("cursor").asText();
          }
          if (frame.type().equals("synced")) {
            syncedConnection = Math.max(syncedConnection, connectionNumber);
            lock.notifyAll();
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      reconnect(connectionNumber);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      reconnect(connectionNumber);
    }
  }

  /** {@code t} as nanoseconds since the epoch, as OTLP timestamps are. */
  public static long epochNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
