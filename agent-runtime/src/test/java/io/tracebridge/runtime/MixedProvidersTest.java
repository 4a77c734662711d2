package io.tracebridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.Models;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.telemetry.GenAiAttributes;
import io.tracebridge.runtime.testing.LoopbackHttpServer;
import io.tracebridge.runtime.testing.LoopbackHttpServer.Reply;
import io.tracebridge.runtime.testing.SigV4Check;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * One runtime over real HTTP with a fake Bedrock Converse endpoint ({@code
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME}) beside a fake OpenAI-compatible provider ({@code
 * OPENAI_PROVIDERS}); each invocation payload's {@code model_id} picks which one answers.
 */
class MixedProvidersTest {
  private static final String PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String KEY = "AKIDEXAMPLETEST";
  private static final String SECRET = "test-secret-key";

  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private LoopbackHttpServer converse;
  private LoopbackHttpServer openAi;
  private Vertx vertx;
  private AgentRuntimeServer server;
  private int port;

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    converse = new LoopbackHttpServer();
    openAi = new LoopbackHttpServer();
    converse.reply(Reply.json("""
        {"output":{"message":{"role":"assistant","content":[{"text":"from bedrock"}]}},"stopReason":"end_turn",
         "usage":{"inputTokens":7,"outputTokens":3,"totalTokens":10},"metrics":{"latencyMs":1}}"""));
    openAi.reply(Reply.json("""
        {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"from vllm"}}],
         "usage":{"prompt_tokens":11,"completion_tokens":2}}"""));
    RuntimeConfig config = RuntimeConfig.fromEnvironment(Map.of(
        "PORT", "0",
        "HOST", "127.0.0.1",
        "AWS_REGION", "us-west-2",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", converse.baseUrl(),
        "OPENAI_PROVIDERS", "{\"vllm\":{\"base_url\":\"" + openAi.baseUrl() + "/v1\",\"api_key\":\"k-vllm\"}}"));
    Function<String, Model> models = Models.resolver(
        config, () -> StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)), () -> null);
    vertx = Vertx.vertx();
    server = AgentRuntimeServer.create(vertx, config, telemetry.sdk, AgentRuntimeMain.demoTools(), new ScriptedModel(), models);
    port = await(server.start());
  }

  @AfterEach
  void stop() throws Exception {
    await(server.close());
    await(vertx.close());
    telemetry.close();
    converse.close();
    openAi.close();
  }

  private JsonNode invoke(String modelId, String session) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"input\":{\"prompt\":\"hi\",\"session_id\":\"" + session + "\",\"model_id\":\"" + modelId + "\"}}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.read(response.body());
  }

  @Test
  void eachInvocationsModelIdPicksConverseOrTheOpenAiCompatibleProvider() throws Exception {
    String bedrock = invoke("bedrock:" + PROFILE, "s-bedrock").toString();
    String vllm = invoke("vllm:qwen3", "s-vllm").toString();
    String again = invoke(PROFILE, "s-bedrock-2").toString();

    assertThat(bedrock).contains("from bedrock").doesNotContain("from vllm");
    assertThat(vllm).contains("from vllm").doesNotContain("from bedrock");
    assertThat(again).contains("from bedrock");

    assertThat(converse.requests()).hasSize(2).allSatisfy(r -> {
      assertThat(r.rawPath()).isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse");
      assertThat(SigV4Check.parse(r.header("authorization")).region()).isEqualTo("us-west-2");
      assertThat(r.header("authorization")).isEqualTo(SigV4Check.expected(r, KEY, SECRET));
    });
    assertThat(openAi.requests()).hasSize(1);
    assertThat(openAi.requests().get(0).rawPath()).isEqualTo("/v1/chat/completions");
    assertThat(openAi.requests().get(0).header("authorization")).isEqualTo("Bearer k-vllm");
    assertThat(Json.read(openAi.requests().get(0).bodyText()).path("model").asText()).isEqualTo("qwen3");

    List<String> requestedModels = telemetry.spans().stream()
        .filter(s -> s.getName().startsWith("chat"))
        .map(s -> s.getAttributes().get(GenAiAttributes.REQUEST_MODEL))
        .toList();
    assertThat(requestedModels).containsExactlyInAnyOrder(PROFILE, "qwen3", PROFILE);
    SpanData vllmChat = telemetry.spans().stream()
        .filter(s -> "qwen3".equals(s.getAttributes().get(GenAiAttributes.REQUEST_MODEL)) && s.getName().startsWith("chat"))
        .findFirst().orElseThrow();
    assertThat(vllmChat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
        .isEqualTo(11L);
  }
}
