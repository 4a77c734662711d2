package io.tracebridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.store.TraceReader;
import io.tracebridge.store.memory.InMemoryTraceStore;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** A web node on a real Vert.x server over an in-memory store, and JDK clients for it. */
class WebTestSupport implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  final InMemoryTraceStore store = new InMemoryTraceStore();
  final HttpClient http = HttpClient.newHttpClient();
  final Vertx vertx = Vertx.vertx();
  final WebMetrics metrics = new WebMetrics();
  final int port;
  final WebVerticle verticle;

  WebTestSupport(WebConfig.Builder config) throws Exception {
    this(config, null);
  }

  WebTestSupport(WebConfig.Builder config, TraceReader reader) throws Exception {
    this(config, reader, Readiness.ALWAYS);
  }

  /** With what {@code /health} and {@code /health/ready} check. */
  WebTestSupport(WebConfig.Builder config, TraceReader reader, Readiness readiness) throws Exception {
    this(config, reader, readiness, Clock.systemUTC());
  }

  /** With the web node's clock. */
  WebTestSupport(WebConfig.Builder config, TraceReader reader, Readiness readiness, Clock clock) throws Exception {
    store.addListener(new LiveRecordBus(vertx.eventBus()));
    verticle = new WebVerticle(config.port(0).build(), reader == null ? store : reader, metrics, readiness, clock);
    vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
    port = verticle.actualPort();
  }

  String wsUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode getJson(String path, String key, int expectedStatus) throws Exception {
    HttpResponse<String> response = get(path, key);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expectedStatus);
    return RecordJson.mapper().readTree(response.body());
  }

  /** Waits (polling, no fixed sleep) until {@code condition} holds. */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(5);
    }
  }

  static List<String> recordIds(List<JsonNode> frames) {
    return frames.stream()
        .filter(f -> f.path("type").asText().equals("record"))
        .map(f -> f.path("record").path("recordId").asText())
        .collect(Collectors.toList());
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
