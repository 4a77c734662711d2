package io.tracebridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.model.BedrockConverseModel;
import io.tracebridge.runtime.model.OpenAiCompatibleModel;
import io.tracebridge.runtime.model.ScriptedModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real HTTP on loopback with an ephemeral port. */
class AgentRuntimeServerTest {
  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private AgentRuntimeServer server;
  private int port;

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RuntimeConfig config = RuntimeConfig.builder().port(0).agentName("http-agent").build();
    server = AgentRuntimeMain.createDefault(vertx, config, telemetry.sdk, new ScriptedModel());
    port = await(server.start());
  }

  @AfterEach
  void stop() throws Exception {
    await(server.close());
    await(vertx.close());
    telemetry.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .header("authorization", "Bearer do-not-log")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    return Json.read(response.body());
  }

  @Test
  void portIsTheBoundPort() {
    assertThat(port).isPositive().isEqualTo(server.port());
  }

  @Test
  void ping() throws Exception {
    HttpResponse<String> response = get("/ping");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("status").asText()).isEqualTo("Healthy");
    assertThat(body.get("time_of_last_update").isIntegralNumber()).isTrue();
    assertThat(body.get("time_of_last_update").asLong()).isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
    assertThat(body.size()).isEqualTo(2);
  }

  @Test
  void flatInvocation() throws Exception {
    HttpResponse<String> response = post("{\"prompt\":\"What is 12+30?\",\"session_id\":\"flat-1\",\"stream\":false}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("invocation_id").asText()).hasSize(36);
    assertThat(body.get("session_id").asText()).isEqualTo("flat-1");
    assertThat(body.get("response").asText()).isEqualTo("The result is 42.");
    assertThat(body.get("stop_reason").asText()).isEqualTo("EndTurn");
    assertThat(body.get("iterations").asInt()).isEqualTo(2);
    JsonNode usage = body.get("usage");
    assertThat(usage.get("total_tokens").asLong())
        .isPositive()
        .isEqualTo(usage.get("input_tokens").asLong() + usage.get("output_tokens").asLong());
    String traceId = body.get("trace_id").asText();
    assertThat(traceId).matches("[0-9a-f]{32}");
    assertThat(telemetry.span("invoke_agent http-agent").getTraceId()).isEqualTo(traceId);
  }

  @Test
  void flatInvocationWithoutSessionGetsOne() throws Exception {
    JsonNode body = json(post("{\"prompt\":\"hello\"}"));
    assertThat(body.get("session_id").asText()).hasSize(36);
    assertThat(body.get("response").asText()).isEqualTo(ScriptedModel.DEFAULT_REPLY);
    assertThat(body.get("iterations").asInt()).isEqualTo(1);
  }

  @Test
  void nestedInvocationPassesSessionAttributesToTools() throws Exception {
    HttpResponse<String> response =
        post("{\"input\":{\"prompt\":\"What is 5*3?\",\"session_id\":\"nested-1\",\"agent_id\":\"A1\","
            + "\"model_id\":\"scripted\",\"memory_id\":\"m\",\"session_attributes\":{\"bonus\":\"2\",\"userID\":\"u-9\"}}}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("success").asBoolean()).isTrue();
    assertThat(body.get("output").get("message").asText()).isEqualTo("The result is 17.");
    assertThat(body.get("output").get("traces").isArray()).isTrue();
    assertThat(body.get("output").get("trace_id").asText()).isEqualTo(telemetry.spans().get(0).getTraceId());
    assertThat(telemetry.span("invoke_agent http-agent").getAttributes().get(AttributeKey.stringKey("gen_ai.agent.id")))
        .isEqualTo("A1");
    assertThat(telemetry.span("invoke_agent http-agent").getAttributes().get(AttributeKey.stringKey("session.id")))
        .isEqualTo("nested-1");
    assertThat(telemetry.span("execute_tool calculate").getEvents().toString()).doesNotContain("u-9");
  }

  @Test
  void nestedMissingPrompt() throws Exception {
    HttpResponse<String> response = post("{\"input\":{\"session_id\":\"s\"}}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response))
        .isEqualTo(Json.read("{\"output\":{\"message\":\"\",\"sources\":[],\"traces\":[]},\"success\":false,\"error\":\"No prompt provided\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{}", "{\"prompt\":\"\"}", "{\"prompt\":42}"})
  void flatMissingPromptIs400(String body) throws Exception {
    HttpResponse<String> response = post(body);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).isEqualTo("No prompt provided");
  }

  @Test
  void malformedJsonIs400() throws Exception {
    HttpResponse<String> response = post("{\"prompt\": ");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).startsWith("Malformed JSON");
  }

  @ParameterizedTest(name = "body <{0}>")
  @ValueSource(strings = {"", "[1,2]", "\"text\"", "{\"input\":\"text\"}"})
  void nonObjectBodiesAre400(String body) throws Exception {
    HttpResponse<String> response = post(body);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).isNotBlank();
  }

  @Test
  void unknownPathIsJson404() throws Exception {
    HttpResponse<String> response = get("/nope");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("error").asText()).contains("/nope");
  }

  @Test
  void modelIdsSelectTheModel() {
    assertThat(AgentRuntimeMain.createModel(RuntimeConfig.builder().modelId("scripted").build()))
        .isInstanceOf(ScriptedModel.class);
    Model bedrock = AgentRuntimeMain.createModel(
        RuntimeConfig.builder().modelId("us.anthropic.claude-sonnet-4-20250514-v1:0").region("us-west-2").build());
    assertThat(bedrock).isInstanceOf(BedrockConverseModel.class);
    assertThat(bedrock.modelId()).isEqualTo("us.anthropic.claude-sonnet-4-20250514-v1:0");
    assertThat(AgentRuntimeMain.createModel(RuntimeConfig.builder().modelId("bedrock:amazon.nova-lite-v1:0").build()).modelId())
        .isEqualTo("amazon.nova-lite-v1:0");
    Model openai = AgentRuntimeMain.createModel(
        RuntimeConfig.builder().modelId("openai:llama3.1").openAiBaseUrl("http://127.0.0.1:11434/v1").build());
    assertThat(openai).isInstanceOf(OpenAiCompatibleModel.class);
    assertThat(openai.modelId()).isEqualTo("llama3.1");
    assertThat(((OpenAiCompatibleModel) openai).endpoint().toString()).isEqualTo("http://127.0.0.1:11434/v1/chat/completions");
    assertThatThrownBy(() -> AgentRuntimeMain.createModel(RuntimeConfig.builder().modelId("openai:").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MODEL_ID");
  }

  @Test
  void aNestedModelIdTheRuntimeCannotServeIsA400() throws Exception {
    HttpResponse<String> response =
        post("{\"input\":{\"prompt\":\"hi\",\"model_id\":\"openai:unknown\"}}");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = json(response);
    assertThat(body.path("success").asBoolean(true)).isFalse();
    assertThat(body.path("error").asText()).contains("openai:unknown");
  }

  @Test
  void aNestedModelIdEqualToTheDefaultIsHonoured() throws Exception {
    HttpResponse<String> response =
        post("{\"input\":{\"prompt\":\"What is 2+2?\",\"model_id\":\"scripted\",\"agent_id\":\"a-1\"}}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("output").path("message").asText()).isEqualTo("The result is 4.");
    assertThat(telemetry.spans()).allSatisfy(s ->
        assertThat(s.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.id"))).isEqualTo("a-1"));
  }

  @Test
  void credentialHeadersAreMasked() {
    assertThat(RequestLogHandler.mask("Authorization", "Bearer x")).isEqualTo("****");
    assertThat(RequestLogHandler.mask("X-Amz-Security-Token", "t")).isEqualTo("****");
    assertThat(RequestLogHandler.mask("x-api-key", "k")).isEqualTo("****");
    assertThat(RequestLogHandler.mask("content-type", "application/json")).isEqualTo("application/json");
  }
}
