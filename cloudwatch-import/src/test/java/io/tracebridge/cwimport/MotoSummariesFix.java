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
 * A loopback pass-through in front of moto that corrects one thing of its X-Ray answers: moto
 * 5.2 writes {@code "Users": {}} in each GetTraceSummaries summary, where the API (and every SDK)
 * has a list, so the real SDK cannot read the reply at all. Everything else goes through
 * unchanged, both ways; the corrections are counted so the test can show it ran.
 */
final class MotoSummariesFix implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
      "expect", "upgrade");
  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI target;
  private final AtomicLong corrected = new AtomicLong();

  MotoSummariesFix(URI target) throws IOException {
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

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
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
