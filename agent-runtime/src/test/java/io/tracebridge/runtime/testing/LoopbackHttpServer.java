package io.tracebridge.runtime.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JDK HTTP server on 127.0.0.1 (ephemeral port) that records every request and answers with
 * queued JSON replies, in order (the last one repeats). For wire-level tests of HTTP clients.
 */
public final class LoopbackHttpServer implements AutoCloseable {
  /** A request as received: method, raw path (and query), lower-case headers, body. */
  public record Recorded(String method, String rawPath, Map<String, String> headers, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A queued reply. */
  public record Reply(int status, String contentType, String body) {
    public static Reply json(String body) {
      return new Reply(200, "application/json", body);
    }
  }

  private final HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Deque<Reply> replies = new ArrayDeque<>();

  public LoopbackHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      String raw = exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
      requests.add(new Recorded(exchange.getRequestMethod(), raw, headers, body));
      Reply reply;
      synchronized (replies) {
        reply = replies.size() > 1 ? replies.poll() : replies.peek();
      }
      if (reply == null) {
        reply = new Reply(500, "application/json", "{\"error\":{\"message\":\"no reply queued\"}}");
      }
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("content-type", reply.contentType());
      exchange.sendResponseHeaders(reply.status(), out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
  }

  public LoopbackHttpServer reply(Reply reply) {
    synchronized (replies) {
      replies.add(reply);
    }
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Recorded> requests() {
    return requests;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
