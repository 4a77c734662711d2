package io.tracebridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TraceReader;
import io.tracebridge.store.memory.InMemoryTraceStore;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The web node on a real Vert.x HTTP server, read with the JDK's HTTP and websocket clients. */
class WebVerticleTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TENANT = WebConfig.DEFAULT_TENANT;

  private final InMemoryTraceStore store = new InMemoryTraceStore();
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private LiveRecordBus live;
  private int port;

  private void start(TraceReader reader) throws Exception {
    start(reader, WebConfig.builder().port(0).build());
  }

  private void start(TraceReader reader, WebConfig config) throws Exception {
    vertx = Vertx.vertx();
    live = new LiveRecordBus(vertx.eventBus());
    store.addListener(live);
    WebVerticle web = new WebVerticle(config, reader);
    vertx.deployVerticle(web).await(10, TimeUnit.SECONDS);
    port = web.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Stores; the store's listener publishes what it wrote, as in production. */
  private void ingest(List<FunctionalRecord> records) {
    store.accept(records).toCompletableFuture().join();
  }

  @Test
  void traceByEitherIdFormWithItsTokenTotals() throws Exception {
    start(store);
    String traceId = RecordFixtures.newTraceId();
    ingest(RecordFixtures.trace(TENANT, traceId, "s1", 3, Instant.now()));

    JsonNode byW3c = getJson("/api/traces/" + traceId, 200);
    assertThat(getJson("/api/traces/" + TraceIds.toXray(traceId), 200)).isEqualTo(byW3c);
    assertThat(byW3c.path("traceId").asText()).isEqualTo(traceId);
    assertThat(byW3c.path("records")).hasSize(3);
    // fixtures: usage 10+i in, 5+i out on three model responses
    assertThat(byW3c.path("usage").path("inputTokens").asLong()).isEqualTo(33);
    assertThat(byW3c.path("usage").path("outputTokens").asLong()).isEqualTo(18);
  }

  @Test
  void legacyViewHasOneBedrockAgentsTracePerRecord() throws Exception {
    start(store);
    String traceId = RecordFixtures.newTraceId();
    ingest(RecordFixtures.trace(TENANT, traceId, "s1", 2, Instant.now()));

    JsonNode legacy = getJson("/api/traces/" + traceId + "?view=legacy", 200);
    assertThat(legacy.isArray()).isTrue();
    assertThat(legacy).hasSize(2);
    assertThat(legacy.get(0).path("ID").asText()).isEqualTo(TraceIds.toXray(traceId));
    assertThat(legacy.get(0).path("TraceType").asText()).isEqualTo("model_response");
    assertThat(legacy.get(1).path("InputTokens").asLong()).isEqualTo(11);
  }

  @Test
  void badRequestsGetAJsonErrorNamingTheProblem() throws Exception {
    start(store);
    assertThat(getJson("/api/traces/not-a-trace", 400).path("error").asText()).contains("not-a-trace");
    String unknown = RecordFixtures.newTraceId();
    assertThat(getJson("/api/traces/" + unknown, 404).path("error").asText()).contains(unknown);
    assertThat(getJson("/api/traces/" + unknown + "?view=xml", 400).path("error").asText()).contains("xml");
    assertThat(getJson("/health", 200).path("status").asText()).isEqualTo("UP");
  }

  @Test
  void websocketSendsStoredRecordsThenLiveOnesAndNothingTwice() throws Exception {
    start(store);
    String traceId = RecordFixtures.newTraceId();
    Instant t0 = Instant.now();
    List<FunctionalRecord> run = RecordFixtures.trace(TENANT, traceId, "s1", 4, t0);
    ingest(run.subList(0, 2));

    try (WebSocketTestClient ws = WebSocketTestClient.connect(wsUrl())) {
      ws.send("{\"op\":\"subscribe\",\"traceId\":\"" + TraceIds.toXray(traceId) + "\"}");
      List<JsonNode> first = ws.until(f -> f.path("type").asText().equals("synced"), WAIT);
      assertThat(first).extracting(f -> f.path("type").asText())
          .containsExactly("subscribed", "record", "record", "synced");
      assertThat(recordIds(first)).containsExactly(run.get(0).recordId(), run.get(1).recordId());

      // A re-export of a record already sent, another trace's record, then two new ones.
      ingest(List.of(run.get(1)));
      ingest(RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), "s1", 1, t0));
      ingest(run.subList(2, 4));
      List<JsonNode> next = ws.until(f -> f.path("record").path("recordId").asText()
          .equals(run.get(3).recordId()), WAIT);
      assertThat(recordIds(next)).containsExactly(run.get(2).recordId(), run.get(3).recordId());
    }
  }

  @Test
  void recordsStoredWhileTheStoredOnesLoadAreHeldAndSentAfterThem() throws Exception {
    CompletableFuture<List<StoredRecord>> slowQuery = new CompletableFuture<>();
    AtomicInteger feeds = new AtomicInteger();
    TraceReader slowReader = new DelegatingReader(store) {
      @Override
      public CompletionStage<List<StoredRecord>> feed(
          String tenant, FeedScope scope, String id, String afterSeq, int limit) {
        return feeds.incrementAndGet() == 1 ? slowQuery : super.feed(tenant, scope, id, afterSeq, limit);
      }
    };
    start(slowReader);
    String traceId = RecordFixtures.newTraceId();
    List<FunctionalRecord> run = RecordFixtures.trace(TENANT, traceId, "s1", 3, Instant.now());
    ingest(run.subList(0, 2));
    List<StoredRecord> stored = store.feed(TENANT, FeedScope.SESSION, "s1", null, 10)
        .toCompletableFuture().join();

    try (WebSocketTestClient ws = WebSocketTestClient.connect(wsUrl())) {
      ws.send("{\"op\":\"subscribe\",\"sessionId\":\"s1\"}");
      assertThat(ws.next(WAIT).path("type").asText()).isEqualTo("subscribed");
      // Arrives live while the query is still loading: it must not be lost nor come first.
      ingest(List.of(run.get(2)));
      live.stored(List.of(stored.get(1))); // also in the stored answer: sent once
      // Both deliveries are queued on the verticle's event loop before the query's answer is
      // (the bus publishes from its own thread: wait until it has).
      live.flush().get(10, TimeUnit.SECONDS);
      slowQuery.complete(stored);

      List<JsonNode> frames = ws.until(f -> f.path("type").asText().equals("synced"), WAIT);
      assertThat(recordIds(frames)).containsExactly(
          run.get(0).recordId(), run.get(1).recordId(), run.get(2).recordId());
      assertThat(frames.get(frames.size() - 1).path("stored").asInt()).isEqualTo(2);
    }
  }

  @Test
  void aMalformedSubscriptionGetsAnErrorFrame() throws Exception {
    start(store);
    try (WebSocketTestClient ws = WebSocketTestClient.connect(wsUrl())) {
      ws.send("{\"op\":\"subscribe\"}");
      JsonNode error = ws.next(WAIT);
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.path("message").asText()).contains("traceId, sessionId or agentId");
      ws.send("not json");
      assertThat(ws.next(WAIT).path("message").asText()).contains("not JSON");
    }
  }

  private static List<String> recordIds(List<JsonNode> frames) {
    return frames.stream()
        .filter(f -> f.path("type").asText().equals("record"))
        .map(f -> f.path("record").path("recordId").asText())
        .toList();
  }

  private JsonNode getJson(String path, int expectedStatus) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expectedStatus);
    return RecordJson.mapper().readTree(response.body());
  }

  private String wsUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }
}
