package io.tracebridge.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real websocket client (the JDK's) that queues every JSON frame the server sends. */
public final class WebSocketTestClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
  private volatile boolean paused;
  private volatile boolean owed;
  private final WebSocket socket;

  private WebSocketTestClient(String url, java.util.Map<String, String> headers, List<String> protocols) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    if (!protocols.isEmpty()) {
      builder.subprotocols(protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
    }
    this.socket = builder.buildAsync(URI.create(url), new Listener()).join();
  }

  public static WebSocketTestClient connect(String url) {
    return new WebSocketTestClient(url, java.util.Map.of(), List.of());
  }

  /** Connects with extra handshake headers (e.g. Authorization); fails if the server refuses. */
  public static WebSocketTestClient connect(String url, java.util.Map<String, String> headers) {
    return new WebSocketTestClient(url, headers, List.of());
  }

  /**
   * Connects as the viewer does in a browser: {@code key} in the bearer subprotocol, offered with
   * {@code tracebridge.v1} (README, "Websocket"); fails if the server refuses.
   */
  public static WebSocketTestClient connectWithKey(String url, String key) {
    return connectWithProtocols(url, List.of(WebSocketAuth.PROTOCOL, WebSocketAuth.bearerProtocol(key)));
  }

  /** Connects offering these subprotocols, in this order. */
  public static WebSocketTestClient connectWithProtocols(String url, List<String> protocols) {
    return new WebSocketTestClient(url, java.util.Map.of(), protocols);
  }

  /** The subprotocol the server selected; empty for none. */
  public String protocol() {
    return socket.getSubprotocol();
  }

  /** Stops reading from the socket: the server's frames pile up in the network buffers. */
  public void pause() {
    paused = true;
  }

  /** Reads again. */
  public synchronized void resume() {
    paused = false;
    if (owed) {
      owed = false;
      socket.request(1);
    }
  }

  /** Completes with the close code when the server closes the connection. */
  public java.util.concurrent.CompletableFuture<Integer> closed() {
    return closed;
  }

  /** Frames received and not yet taken. */
  public int buffered() {
    return frames.size();
  }

  public void send(String json) {
    socket.sendText(json, true).join();
  }

  /** The next frame, failing if none comes within {@code timeout}. */
  public JsonNode next(Duration timeout) throws InterruptedException {
    JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (frame == null) {
      throw new AssertionError("no websocket frame within " + timeout);
    }
    return frame;
  }

  /** Every frame up to and including the first that matches {@code last}. */
  public List<JsonNode> until(Predicate<JsonNode> last, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    List<JsonNode> seen = new ArrayList<>();
    while (true) {
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative()) {
        throw new AssertionError("no matching frame within " + timeout + "; got " + seen);
      }
      JsonNode frame = next(left);
      seen.add(frame);
      if (last.test(frame)) {
        return seen;
      }
    }
  }

  @Override
  public void close() {
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          frames.add(JSON.readTree(partial.toString()));
        } catch (java.io.IOException e) {
          throw new AssertionError("server sent a frame that is not JSON: " + partial, e);
        }
        partial.setLength(0);
      }
      synchronized (WebSocketTestClient.this) {
        if (paused) {
          owed = true;
        } else {
          webSocket.request(1);
        }
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }
  }
}
