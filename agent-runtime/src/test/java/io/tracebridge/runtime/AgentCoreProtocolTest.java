package io.tracebridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AgentCore's side of the protocol on a real loopback server and a real in-memory OTel SDK: the
 * session and trace headers it forwards, and {@code /ping} while an invocation runs.
 */
class AgentCoreProtocolTest {
  private static final String CALLER_TRACE = "5759e988bd862e3fe1be46a994272793";
  private static final String CALLER_SPAN = "53995c3f42cd8ad8";

  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Vertx vertx = Vertx.vertx();
  private AgentRuntimeServer server;
  private int port;

  private void start(ToolRegistry tools, io.tracebridge.runtime.core.Model model) throws Exception {
    RuntimeConfig config = RuntimeConfig.builder().port(0).host("127.0.0.1").agentName("ac").build();
    server = AgentRuntimeServer.create(vertx, config, telemetry.sdk, tools, model);
    port = server.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    telemetry.close();
  }

  private HttpRequest.Builder invocation(String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
        .timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ping() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")));
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.read(response.body());
  }

  private SpanData root() {
    return telemetry.span("invoke_agent ac");
  }

  @Test
  void traceparentMakesTheRunAChildOfTheCallersSpan() throws Exception {
    start(AgentRuntimeMain.demoTools(), new ScriptedModel());
    HttpResponse<String> response =
        send(invocation("{\"prompt\":\"What is 2+3?\"}").header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = Json.read(response.body());
    assertThat(body.get("response").asText()).isEqualTo("The result is 5.");
    assertThat(body.get("trace_id").asText()).isEqualTo(CALLER_TRACE);
    assertThat(body.get("xray_trace_id").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
    assertThat(root().getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(root().getParentSpanContext().isRemote()).isTrue();
    assertThat(telemetry.spans()).hasSize(6).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(CALLER_TRACE));
  }

  @Test
  void xrayHeaderContinuesTheCallersTraceInTheNestedShapeToo() throws Exception {
    start(AgentRuntimeMain.demoTools(), new ScriptedModel());
    HttpResponse<String> response =
        send(invocation("{\"input\":{\"prompt\":\"hello\"}}")
            .header("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=" + CALLER_SPAN + ";Sampled=1"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode output = Json.read(response.body()).get("output");
    assertThat(output.get("trace_id").asText()).isEqualTo(CALLER_TRACE);
    assertThat(output.get("xray_trace_id").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
    assertThat(root().getTraceId()).isEqualTo(CALLER_TRACE);
    assertThat(root().getParentSpanId()).isEqualTo(CALLER_SPAN);
  }

  @Test
  void traceparentWinsOverXray() throws Exception {
    start(AgentRuntimeMain.demoTools(), new ScriptedModel());
    String other = "0af7651916cd43dd8448eb211c80319c";
    send(invocation("{\"prompt\":\"hello\"}")
        .header("traceparent", "00-" + other + "-b7ad6b7169203331-01")
        .header("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=" + CALLER_SPAN + ";Sampled=1"));
    assertThat(root().getTraceId()).isEqualTo(other);
    assertThat(root().getParentSpanId()).isEqualTo("b7ad6b7169203331");
  }

  @Test
  void withoutOrWithMalformedTraceHeadersTheRunStartsItsOwnTrace() throws Exception {
    start(AgentRuntimeMain.demoTools(), new ScriptedModel());
    JsonNode plain = Json.read(send(invocation("{\"prompt\":\"hello\"}")).body());
    JsonNode malformed = Json.read(send(invocation("{\"prompt\":\"hello\"}")
        .header("traceparent", "00-nothex-b7ad6b7169203331-01")
        .header("X-Amzn-Trace-Id", "Root=1-5759e988;Parent=x")).body());
    for (JsonNode body : List.of(plain, malformed)) {
      String traceId = body.get("trace_id").asText();
      assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo(CALLER_TRACE);
      assertThat(body.get("xray_trace_id").asText())
          .isEqualTo("1-" + traceId.substring(0, 8) + "-" + traceId.substring(8));
    }
    assertThat(telemetry.spansNamed("invoke_agent ac"))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
  }

  @Test
  void theAgentCoreSessionHeaderSetsTheSessionAndIsEchoed() throws Exception {
    start(AgentRuntimeMain.demoTools(), new ScriptedModel());
    HttpResponse<String> response = send(invocation("{\"prompt\":\"hello\",\"session_id\":\"from-body\"}")
        .header(AgentRuntimeServer.SESSION_HEADER, "agentcore-session-0123456789012345678901"));
    JsonNode body = Json.read(response.body());
    assertThat(body.get("session_id").asText()).isEqualTo("agentcore-session-0123456789012345678901");
    assertThat(response.headers().firstValue(AgentRuntimeServer.SESSION_HEADER))
        .hasValue("agentcore-session-0123456789012345678901");
    assertThat(root().getAttributes().get(AttributeKey.stringKey("session.id")))
        .isEqualTo("agentcore-session-0123456789012345678901");

    send(invocation("{\"input\":{\"prompt\":\"hello again\",\"session_id\":\"other\"}}")
        .header(AgentRuntimeServer.SESSION_HEADER, "agentcore-session-0123456789012345678901"));
    assertThat(telemetry.spansNamed("invoke_agent ac"))
        .extracting(s -> s.getAttributes().get(AttributeKey.stringKey("session.id")))
        .containsExactly("agentcore-session-0123456789012345678901", "agentcore-session-0123456789012345678901");
  }

  @Test
  void pingSaysHealthyBusyWhileAnInvocationRuns() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Tool slow = new Tool() {
      @Override
      public ToolSpec spec() {
        return new ToolSpec("slow", "waits for the test", Json.object().put("type", "object"));
      }

      @Override
      public ToolResult invoke(JsonNode input) {
        entered.countDown();
        try {
          if (!release.await(30, TimeUnit.SECONDS)) {
            return ToolResult.error("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return ToolResult.error("interrupted");
        }
        return ToolResult.success("{\"result\":1}");
      }
    };
    start(ToolRegistry.of(slow), ScriptedModel.canned(List.of(
        new ModelResponse(List.of(ContentBlock.toolUse("t1", "slow", Json.object())), StopReason.TOOL_USE, new Usage(1, 1, 0, 0, 0)),
        new ModelResponse(List.of(ContentBlock.text("done")), StopReason.END_TURN, new Usage(1, 1, 0, 0, 0)))));
    JsonNode idle = ping();
    assertThat(idle.get("status").asText()).isEqualTo("Healthy");

    CompletableFuture<HttpResponse<String>> running =
        http.sendAsync(invocation("{\"prompt\":\"go\"}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    JsonNode busy = ping();
    assertThat(busy.get("status").asText()).isEqualTo("HealthyBusy");
    assertThat(busy.get("time_of_last_update").asLong()).isGreaterThanOrEqualTo(idle.get("time_of_last_update").asLong());

    release.countDown();
    HttpResponse<String> done = running.get(30, TimeUnit.SECONDS);
    assertThat(Json.read(done.body()).get("response").asText()).isEqualTo("done");
    JsonNode after = ping();
    assertThat(after.get("status").asText()).isEqualTo("Healthy");
    assertThat(after.get("time_of_last_update").asLong()).isGreaterThanOrEqualTo(busy.get("time_of_last_update").asLong());
  }

  @Test
  void aFailedInvocationStillEndsBusy() throws Exception {
    start(AgentRuntimeMain.demoTools(), ScriptedModel.canned(List.of()));
    HttpResponse<String> failed = send(invocation("{\"prompt\":\"hello\"}"));
    assertThat(failed.statusCode()).isEqualTo(500);
    JsonNode body = Json.read(failed.body());
    assertThat(body.get("xray_trace_id").asText()).startsWith("1-");
    assertThat(ping().get("status").asText()).isEqualTo("Healthy");
  }

  /** The events of an SSE body: each frame is exactly {@code data: <json>} and a blank line. */
  private static List<JsonNode> events(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(response.body()).endsWith("\n\n");
    List<JsonNode> out = new java.util.ArrayList<>();
    for (String frame : response.body().split("\n\n")) {
      assertThat(frame).startsWith("data: ").doesNotContain("\n");
      out.add(Json.read(frame.substring("data: ".length())));
    }
    return out;
  }

  @Test
  void aStreamedRunIsServerSentEventsEndingWithTheUsage() throws Exception {
    start(AgentRuntimeMain.demoTools(), new ScriptedModel());
    HttpResponse<String> response = send(invocation(
        "{\"prompt\":\"What is 2+3?\",\"stream\":true,\"session_id\":\"st-1\",\"session_attributes\":{\"bonus\":\"0\"}}"));
    List<JsonNode> events = events(response);
    assertThat(events).extracting(e -> e.get("type").asText())
        .containsExactly("text", "tool_use", "tool_result", "text", "done");
    assertThat(events.get(0).get("text").asText()).isEqualTo("Let me calculate 2+3.");
    assertThat(events.get(1).get("name").asText()).isEqualTo("calculate");
    assertThat(events.get(1).get("input").toString()).doesNotContain("sessionAttributes").contains("operand1");
    assertThat(events.get(2).get("tool_use_id").asText()).isEqualTo(events.get(1).get("tool_use_id").asText());
    assertThat(events.get(2).get("content").asText()).isEqualTo("{\"result\":5}");
    assertThat(events.get(3).get("text").asText()).isEqualTo("The result is 5.");
    JsonNode done = events.get(4);
    assertThat(done.get("response").asText()).isEqualTo("The result is 5.");
    assertThat(done.get("session_id").asText()).isEqualTo("st-1");
    assertThat(done.at("/usage/total_tokens").asLong()).isEqualTo(root().getAttributes()
        .get(AttributeKey.longKey("gen_ai.usage.total_tokens")));
    assertThat(done.get("trace_id").asText()).isEqualTo(root().getTraceId());
  }

  @Test
  void aStreamedRunFailingMidwayEndsWithAnErrorEvent() throws Exception {
    start(AgentRuntimeMain.demoTools(), ScriptedModel.canned(List.of(new ModelResponse(
        List.of(ContentBlock.toolUse("t1", "echo", Json.read("{\"toolParameters\":{\"text\":\"hi\"}}"))),
        StopReason.TOOL_USE, new Usage(1, 1, 0, 0, 0)))));
    List<JsonNode> events = events(send(invocation("{\"prompt\":\"go\",\"stream\":true}")));
    assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("tool_use", "tool_result", "error");
    assertThat(events.get(2).get("error").asText()).startsWith("agent invocation failed");
    assertThat(events.get(2).get("trace_id").asText()).isEqualTo(root().getTraceId());
  }

  @Test
  void aStreamedRunFailingBeforeAnyStepIsAPlainJsonError() throws Exception {
    start(AgentRuntimeMain.demoTools(), ScriptedModel.canned(List.of()));
    HttpResponse<String> response = send(invocation("{\"prompt\":\"go\",\"stream\":true}"));
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(Json.read(response.body()).get("error").asText()).startsWith("agent invocation failed");
  }

  @Test
  void theDefaultModelsMaxTokensAreFoundByItsModelIdSetting() throws Exception {
    List<Integer> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScriptedModel scripted = new ScriptedModel();
    io.tracebridge.runtime.core.Model m1 = new io.tracebridge.runtime.core.Model() {
      @Override
      public String modelId() {
        return "m1";
      }

      @Override
      public ModelResponse converse(List<io.tracebridge.runtime.core.Message> messages, List<ToolSpec> tools,
          String systemPrompt, io.tracebridge.runtime.core.ModelRequestOptions options) {
        sent.add(options.maxTokens());
        return scripted.converse(messages, tools, systemPrompt, options);
      }
    };
    RuntimeConfig config = RuntimeConfig.builder().port(0).host("127.0.0.1").agentName("ac")
        .modelId("openai:m1").maxTokens(100).modelMaxTokens(java.util.Map.of("openai:m1", 77)).build();
    server = AgentRuntimeServer.create(vertx, config, telemetry.sdk, new ToolRegistry(), m1);
    port = server.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(send(invocation("{\"prompt\":\"hello\"}")).statusCode()).isEqualTo(200);
    assertThat(sent).containsExactly(77);
  }

  @Test
  void requestedModelsRunThePromptOnEachModelAsItsOwnTracedRun() throws Exception {
    ModelResponse alt = new ModelResponse(List.of(ContentBlock.text("alt says hi")), StopReason.END_TURN, new Usage(1000, 200, 0, 0, 0));
    RuntimeConfig config = RuntimeConfig.builder().port(0).host("127.0.0.1").agentName("ac").build();
    server = AgentRuntimeServer.create(vertx, config, telemetry.sdk, AgentRuntimeMain.demoTools(), new ScriptedModel(), id -> {
      if (id.equals("gpt-4o")) {
        return ScriptedModel.canned(List.of(alt));
      }
      throw new IllegalArgumentException("model '" + id + "' is not available in this runtime");
    });
    port = server.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

    HttpResponse<String> response = send(invocation(
        "{\"prompt\":\"What is 2+3?\",\"session_id\":\"cmp\",\"requested_models\":[\"scripted\",\"gpt-4o\",\"nope\"]}"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = Json.read(response.body());
    assertThat(body.get("session_id").asText()).isEqualTo("cmp");
    JsonNode results = body.get("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("model_id").asText()).isEqualTo("scripted");
    assertThat(results.get(0).get("response").asText()).isEqualTo("The result is 5.");
    assertThat(results.get(0).get("session_id").asText()).isEqualTo("cmp/scripted");
    assertThat(results.get(1).get("model_id").asText()).isEqualTo("gpt-4o");
    assertThat(results.get(1).get("response").asText()).isEqualTo("alt says hi");
    assertThat(results.get(1).at("/usage/input_tokens").asLong()).isEqualTo(1000);
    assertThat(results.get(1).at("/usage/output_tokens").asLong()).isEqualTo(200);
    // gpt-4o in the bundled table: $2.50 in, $10 out per million: 1000 x 2.5e-6 + 200 x 1e-5.
    assertThat(results.get(1).at("/cost/amount").decimalValue()).isEqualByComparingTo("0.0045");
    assertThat(results.get(1).at("/cost/currency").asText()).isEqualTo("USD");
    assertThat(results.get(0).at("/cost/amount").isNull()).as("the scripted model has no price").isTrue();
    assertThat(results.get(2).has("cost")).as("a failed run costs nothing").isFalse();
    assertThat(results.get(2).get("model_id").asText()).isEqualTo("nope");
    assertThat(results.get(2).get("error").asText()).contains("'nope' is not available");

    List<SpanData> roots = telemetry.spansNamed("invoke_agent ac");
    assertThat(roots).hasSize(2);
    assertThat(roots).extracting(SpanData::getTraceId)
        .containsExactlyInAnyOrder(results.get(0).get("trace_id").asText(), results.get(1).get("trace_id").asText())
        .doesNotHaveDuplicates();
    SpanData scriptedRoot = roots.stream()
        .filter(r -> r.getTraceId().equals(results.get(0).get("trace_id").asText())).findFirst().orElseThrow();
    assertThat(results.get(0).at("/usage/total_tokens").asLong())
        .isEqualTo(scriptedRoot.getAttributes().get(AttributeKey.longKey("gen_ai.usage.total_tokens")));
  }

  @Test
  void badRequestedModelsAre400() throws Exception {
    start(AgentRuntimeMain.demoTools(), new ScriptedModel());
    for (String models : List.of("[]", "\"scripted\"", "[\"scripted\",\"scripted\"]", "[1]")) {
      HttpResponse<String> response = send(invocation("{\"prompt\":\"hi\",\"requested_models\":" + models + "}"));
      assertThat(response.statusCode()).as(models).isEqualTo(400);
      assertThat(Json.read(response.body()).get("error").asText()).startsWith("requested_models must be");
    }
  }
}
