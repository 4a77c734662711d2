package io.tracebridge.cwimport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback pass-through in front of moto that does two things, counted so tests can show they
 * happened; everything else goes through unchanged, both ways:
 *
 * <ul>
 *   <li>corrects one thing of moto's X-Ray answers: moto 5.2 writes {@code "Users": {}} in each
 *       GetTraceSummaries summary, where the API (and every SDK) has a list, so the real SDK
 *       cannot read the reply at all;
 *   <li>throttles on request: the next N calls of an operation get the service's own throttling
 *       answer (CloudWatch Logs: 400 {@code ThrottlingException}; X-Ray: 429 {@code
 *       ThrottledException}) instead of reaching moto.
 * </ul>
 */
final class MotoProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
      "expect", "upgrade");
  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI target;
  private final AtomicLong corrected = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> throttles =
      new java.util.concurrent.ConcurrentHashMap<>();

  MotoProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::forward);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  long corrected() {
    return corrected.get();
  }

  /** Calls answered with a throttling error so far. */
  long throttled() {
    return throttled.get();
  }

  /**
   * The next {@code n} calls of {@code operation} are throttled: a CloudWatch Logs target such as
   * {@code FilterLogEvents}, or an X-Ray path such as {@code /TraceSummaries}.
   */
  void throttleNext(String operation, int n) {
    throttles.computeIfAbsent(operation, k -> new java.util.concurrent.atomic.AtomicInteger()).addAndGet(n);
  }

  private boolean takeThrottle(String operation) {
    var left = throttles.get(operation);
    return left != null && left.getAndUpdate(v -> Math.max(0, v - 1)) > 0;
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String logsOperation = amzTarget == null ? "" : amzTarget.substring(amzTarget.indexOf('.') + 1);
      String path = exchange.getRequestURI().getPath();
      if (takeThrottle(logsOperation) || takeThrottle(path)) {
        throttled.incrementAndGet();
        boolean logs = amzTarget != null;
        byte[] error = (logs
            ? "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"
            : "{\"message\":\"Rate exceeded\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", logs ? "application/x-amz-json-1.1" : "application/json");
        if (!logs) {
          exchange.getResponseHeaders().add("x-amzn-ErrorType", "ThrottledException");
        }
        exchange.sendResponseHeaders(logs ? 400 : 429, error.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(error);
        }
        return;
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
          .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
        if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
          h.getValue().forEach(v -> request.header(h.getKey(), v));
        }
      }
      HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] out = response.body();
      if (exchange.getRequestURI().getPath().equals("/TraceSummaries")) {
        String text = new String(out, StandardCharsets.UTF_8);
        String fixed = text.replace("\"Users\": {}", "\"Users\": []");
        if (!fixed.equals(text)) {
          corrected.incrementAndGet();
        }
        out = fixed.getBytes(StandardCharsets.UTF_8);
      }
      response.headers().map().forEach((k, v) -> {
        if (!HOP_BY_HOP.contains(k.toLowerCase(java.util.Locale.ROOT)) && !k.equals(":status")) {
          v.forEach(value -> exchange.getResponseHeaders().add(k, value));
        }
      });
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
