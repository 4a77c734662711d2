package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.web.WebSocketTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent loop end to end (runtime → OTLP → receiver → DynamoDB Local → REST/websocket) with a
 * deterministic model: multi-tool multi-iteration, a tool failure, MaxIterations and MaxTokens,
 * asserting the runtime's reply and the records received downstream.
 */
class AgentScenariosIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int MAX_ITERATIONS = 3;

  /** Every span the runtime ends, to know when a trace is complete. */
  private static final SpanWitness WITNESS = new SpanWitness();
  private static EmbeddedStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral()
        .withExtraSpanProcessors(List.of(WITNESS.processor()))
        .withExtraTools(List.of(new TestTools.Explode()))
        .withModel(new ScenarioModel())
        .withMaxIterations(MAX_ITERATIONS));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void multiToolMultiIterationRunArrivesLiveAndStored() throws Exception {
    String session = "multi-" + UUID.randomUUID();
    JsonNode reply;
    List<JsonNode> live;
    try (WebSocketTestClient ws = WebSocketTestClient.connect(wsUrl())) {
      ws.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\"}");
      // A heartbeat (one per connection, at any time) may come between these.
      assertThat(ws.until(f -> f.path("type").asText().equals("synced"), WAIT))
          .extracting(f -> f.path("type").asText()).filteredOn(t -> !t.equals("heartbeat"))
          .containsExactly("subscribed", "synced");
      reply = invokeFlat(session, "multi tools please");
      live = ws.until(f -> "response".equals(f.path("record").path("type").asText()), WAIT).stream()
          .filter(f -> "record".equals(f.path("type").asText()))
          .map(f -> f.path("record"))
          .toList();
    }
    assertThat(reply.path("response").asText()).isEqualTo("multi done");
    assertThat(reply.path("stop_reason").asText()).isEqualTo("EndTurn");
    assertThat(reply.path("iterations").asInt()).isEqualTo(3);
    assertThat(reply.path("usage").path("input_tokens").asLong()).isEqualTo(100 + 110 + 120);
    assertThat(live).isNotEmpty().allSatisfy(r -> assertThat(r.path("sessionId").asText()).isEqualTo(session));

    JsonNode trace = Records.awaitTrace(http, stack, WITNESS, reply.path("trace_id").asText(), WAIT);
    assertThat(Records.ofType(trace, "prompt")).singleElement()
        .satisfies(r -> assertThat(r.path("text").asText()).isEqualTo("multi tools please"));
    assertThat(Records.ofType(trace, "model_request")).hasSize(3);
    assertThat(Records.ofType(trace, "tool_request")).extracting(r -> r.path("tool").path("name").asText())
        .containsExactlyInAnyOrder("calculate", "echo", "calculate");
    assertThat(Records.ofType(trace, "tool_response")).hasSize(3)
        .allSatisfy(r -> assertThat(r.path("tool").path("status").asText()).isEqualTo("success"));
    assertThat(Records.ofType(trace, "tool_response")).extracting(r -> r.path("tool").path("output").asText())
        .contains("{\"result\":42}", "{\"echo\":\"hi\"}");
    assertThat(Records.ofType(trace, "response")).singleElement()
        .satisfies(r -> assertThat(r.path("text").asText()).isEqualTo("multi done"));
    assertThat(trace.path("usage").path("inputTokens").asLong()).isEqualTo(330);
  }

  @Test
  void aToolFailureIsAnErrorRecordAndTheAgentCarriesOn() throws Exception {
    JsonNode reply = invokeFlat("fail-" + UUID.randomUUID(), "fail now");
    assertThat(reply.path("stop_reason").asText()).isEqualTo("EndTurn");
    assertThat(reply.path("response").asText()).startsWith("The tool failed: ").contains("boom from explode");
    JsonNode trace = Records.awaitTrace(http, stack, WITNESS, reply.path("trace_id").asText(), WAIT);
    assertThat(Records.ofType(trace, "tool_response")).singleElement().satisfies(r -> {
      assertThat(r.path("tool").path("name").asText()).isEqualTo("explode");
      assertThat(r.path("tool").path("status").asText()).isEqualTo("error");
      assertThat(r.path("tool").path("output").asText()).contains("boom from explode");
    });
  }

  @Test
  void maxIterationsStopsTheLoopAndTheRecordsShowEachIteration() throws Exception {
    JsonNode reply = invokeFlat("loop-" + UUID.randomUUID(), "loop forever");
    assertThat(reply.path("stop_reason").asText()).isEqualTo("MaxIterations");
    assertThat(reply.path("iterations").asInt()).isEqualTo(MAX_ITERATIONS);
    JsonNode trace = Records.awaitTrace(http, stack, WITNESS, reply.path("trace_id").asText(), WAIT);
    assertThat(Records.ofType(trace, "model_request")).hasSize(MAX_ITERATIONS);
    assertThat(Records.ofType(trace, "tool_request")).hasSize(MAX_ITERATIONS);
    assertThat(Records.ofType(trace, "tool_response")).hasSize(MAX_ITERATIONS);
  }

  @Test
  void maxTokensStopsWithTheTruncatedAnswer() throws Exception {
    JsonNode reply = invokeFlat("long-" + UUID.randomUUID(), "long answer");
    assertThat(reply.path("stop_reason").asText()).isEqualTo("MaxTokens");
    assertThat(reply.path("response").asText()).isEqualTo("This answer was cut");
    JsonNode trace = Records.awaitTrace(http, stack, WITNESS, reply.path("trace_id").asText(), WAIT);
    assertThat(Records.ofType(trace, "model_response")).singleElement()
        .satisfies(r -> assertThat(r.path("finishReason").asText()).isEqualTo("max_tokens"));
    assertThat(Records.ofType(trace, "response")).singleElement()
        .satisfies(r -> assertThat(r.path("text").asText()).isEqualTo("This answer was cut"));
  }

  private JsonNode invokeFlat(String session, String prompt) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("prompt", prompt).put("session_id", session);
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(stack.runtimeBaseUrl() + "/invocations"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String wsUrl() {
    return stack.webBaseUrl().replace("http://", "ws://") + "/ws";
  }
}
