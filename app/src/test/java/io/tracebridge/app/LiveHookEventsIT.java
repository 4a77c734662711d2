package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracebridge.web.WebSocketTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live, not at span end: the runtime emits each hook event also as an OTLP log record, so a tool
 * still running has its {@code tool_request} record on the websocket (its span ends, and is
 * exported, only when it returns). The test tool holds until the test saw the record: the check is
 * an order, never a race with a sleep.
 *
 * <p>Measure the hook → websocket delay with {@code ./mvnw -B -pl app verify -Dit.test=LiveHookEventsIT
 * -Dlive.runs=20}; the test prints {@code hook->websocket delay over N runs: p50=.. p95=.. max=..}.
 */
class LiveHookEventsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static final TestTools.Slow SLOW = new TestTools.Slow();
  /** Every span the runtime ends, to know when a trace is complete. */
  private static final SpanWitness WITNESS = new SpanWitness();
  private static EmbeddedStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral()
        .withExtraSpanProcessors(List.of(WITNESS.processor()))
        .withExtraTools(List.of(SLOW))
        .withModel(new ScenarioModel()));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aToolStillRunningHasItsToolRequestOnTheWebsocket() throws Exception {
    Run run = runOnce();
    assertThat(run.returnedAtReceipt).as("the slow tool had returned when tool_request arrived").isFalse();
    assertThat(run.toolRequest.path("tool").path("name").asText()).isEqualTo("slow");
    JsonNode reply = run.reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(reply.path("output").path("message").asText()).isEqualTo("slow done");

    // The span exported later overwrites the same record: one tool_request, same recordId.
    String traceId = run.toolRequest.path("traceId").asText();
    JsonNode trace = awaitStored(traceId);
    List<JsonNode> stored = new ArrayList<>();
    trace.path("records").forEach(r -> {
      if (r.path("type").asText().equals("tool_request")) {
        stored.add(r);
      }
    });
    assertThat(stored).singleElement()
        .satisfies(r -> assertThat(r.path("recordId").asText()).isEqualTo(run.toolRequest.path("recordId").asText()));
  }

  @Test
  void everyRunsToolRequestArrivesLiveAndTheHookToWebsocketDelayIsPrinted() throws Exception {
    int runs = Integer.getInteger("live.runs", 5);
    List<Long> delaysMicros = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Run run = runOnce();
      assertThat(run.returnedAtReceipt).isFalse();
      run.reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Instant hook = Instant.parse(run.toolRequest.path("timestamp").asText());
      delaysMicros.add(Duration.between(hook, run.receivedAt).toNanos() / 1_000);
    }
    Collections.sort(delaysMicros);
    long p50 = delaysMicros.get((int) Math.ceil(0.50 * runs) - 1);
    long p95 = delaysMicros.get((int) Math.ceil(0.95 * runs) - 1);
    System.out.printf("hook->websocket delay over %d runs: p50=%.1f ms p95=%.1f ms max=%.1f ms%n",
        runs, p50 / 1000.0, p95 / 1000.0, delaysMicros.get(runs - 1) / 1000.0);
  }

  private record Run(JsonNode toolRequest, Instant receivedAt, boolean returnedAtReceipt, CompletableFuture<JsonNode> reply) {}

  private Run runOnce() throws Exception {
    String session = "live-" + UUID.randomUUID();
    AtomicBoolean returned = new AtomicBoolean();
    SLOW.returned = returned;
    // The tool holds until this test saw its tool_request: without live hook events the record
    // would come only with the span, after the tool returned, and the wait below would time out.
    CountDownLatch gate = new CountDownLatch(1);
    SLOW.gate = gate;
    try (WebSocketTestClient ws = WebSocketTestClient.connect(wsUrl())) {
      ws.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\"}");
      // A heartbeat (one per connection, at any time) may come between these.
      assertThat(ws.until(f -> f.path("type").asText().equals("synced"), WAIT))
          .extracting(f -> f.path("type").asText()).filteredOn(t -> !t.equals("heartbeat"))
          .containsExactly("subscribed", "synced");

      CompletableFuture<JsonNode> reply = invoke(session);
      List<JsonNode> frames = ws.until(f -> "tool_request".equals(f.path("record").path("type").asText()), WAIT);
      Instant receivedAt = Instant.now();
      boolean returnedAtReceipt = returned.get();
      return new Run(frames.get(frames.size() - 1).path("record"), receivedAt, returnedAtReceipt, reply);
    } finally {
      gate.countDown();
    }
  }

  private CompletableFuture<JsonNode> invoke(String session) {
    String body = "{\"input\":{\"prompt\":\"slow please\",\"session_id\":\"" + session + "\"}}";
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(stack.runtimeBaseUrl() + "/invocations"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          try {
            return JSON.readTree(r.body());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private JsonNode awaitStored(String traceId) throws Exception {
    return Records.awaitTrace(http, stack, WITNESS, traceId, WAIT);
  }

  private static String wsUrl() {
    return stack.webBaseUrl().replace("http://", "ws://") + "/ws";
  }
}
