package io.tracebridge.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.agent.AgentResult;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.hooks.SessionContextHook;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.testing.LoopbackHttpServer;
import io.tracebridge.runtime.testing.LoopbackHttpServer.Reply;
import io.tracebridge.runtime.testing.SigV4Check;
import io.tracebridge.runtime.tools.CalculateTool;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Bedrock Converse requests asserted at the SDK's HTTP layer, on a loopback endpoint override. */
class BedrockConverseModelTest {
  private static final String PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String KEY = "AKIDEXAMPLETEST";
  private static final String SECRET = "test-secret-key";

  private LoopbackHttpServer server;
  private BedrockConverseModel model;

  @BeforeEach
  void start() throws Exception {
    server = new LoopbackHttpServer();
    model = BedrockConverseModel.create(PROFILE, Region.US_WEST_2,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)), URI.create(server.baseUrl()));
  }

  @AfterEach
  void stop() {
    model.close();
    server.close();
  }

  @Test
  void converseRequestsAreSignedAndCarryToolsReasoningAndUsage() throws Exception {
    server.reply(Reply.json("""
        {"output":{"message":{"role":"assistant","content":[
           {"reasoningContent":{"reasoningText":{"text":"use the tool","signature":"sig-1"}}},
           {"text":"Calculating."},
           {"toolUse":{"toolUseId":"tu-1","name":"calculate","input":{"toolParameters":{"operand1":6,"operand2":7,"operation":"multiply"}}}}]}},
         "stopReason":"tool_use",
         "usage":{"inputTokens":100,"outputTokens":40,"totalTokens":290,"cacheReadInputTokens":120,"cacheWriteInputTokens":30},
         "metrics":{"latencyMs":10}}"""));
    server.reply(Reply.json("""
        {"output":{"message":{"role":"assistant","content":[{"text":"It is 42."}]}},"stopReason":"end_turn",
         "usage":{"inputTokens":200,"outputTokens":5,"totalTokens":205},"metrics":{"latencyMs":10}}"""));
    Agent agent = Agent.builder().model(model).tools(ToolRegistry.of(new CalculateTool())).systemPrompt("Be exact.").maxTokens(512).build();

    AgentResult result =
        agent.invoke(new AgentRequest("What is 6*7?", "s", null, List.of(new SessionContextHook(Map.of("userID", "user-77")))));

    assertThat(result.text()).isEqualTo("It is 42.");
    assertThat(result.usage()).isEqualTo(new Usage(100 + 120 + 30 + 200, 45, 120, 30, 0));
    assertThat(agent.conversation("s").get(1).content().get(0)).isEqualTo(new ContentBlock.Reasoning("use the tool", "sig-1"));

    assertThat(server.requests()).hasSize(2).allSatisfy(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.rawPath()).isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse");
      SigV4Check.Parsed auth = SigV4Check.parse(r.header("authorization"));
      assertThat(auth.accessKey()).isEqualTo(KEY);
      assertThat(auth.region()).isEqualTo("us-west-2");
      assertThat(auth.service()).isEqualTo("bedrock");
      assertThat(auth.signedHeaders()).contains("host").contains("x-amz-date");
      assertThat(r.header("authorization")).isEqualTo(SigV4Check.expected(r, KEY, SECRET));
    });
    JsonNode first = Json.read(server.requests().get(0).bodyText());
    assertThat(first.path("inferenceConfig").path("maxTokens").asInt()).isEqualTo(512);
    assertThat(first.path("system").get(0).path("text").asText()).isEqualTo("Be exact.");
    assertThat(first.path("messages").get(0).path("content").get(0).path("text").asText()).isEqualTo("What is 6*7?");
    JsonNode spec = first.path("toolConfig").path("tools").get(0).path("toolSpec");
    assertThat(spec.path("name").asText()).isEqualTo("calculate");
    assertThat(spec.path("inputSchema").path("json").path("required").get(0).asText()).isEqualTo("toolParameters");

    JsonNode second = Json.read(server.requests().get(1).bodyText());
    JsonNode assistant = second.path("messages").get(1);
    assertThat(assistant.path("role").asText()).isEqualTo("assistant");
    assertThat(assistant.path("content").get(0).path("reasoningContent").path("reasoningText").path("signature").asText())
        .isEqualTo("sig-1");
    assertThat(assistant.path("content").get(2).path("toolUse").path("input").path("toolParameters").path("operand2").asInt())
        .isEqualTo(7);
    JsonNode toolResult = second.path("messages").get(2).path("content").get(0).path("toolResult");
    assertThat(toolResult.path("toolUseId").asText()).isEqualTo("tu-1");
    assertThat(toolResult.path("status").asText()).isEqualTo("success");
    assertThat(toolResult.path("content").get(0).path("text").asText()).isEqualTo("{\"result\":42}");
    assertThat(second.toString()).doesNotContain("user-77").doesNotContain("sessionAttributes");
  }

  @Test
  void aRawModelIdThatNeedsAProfileIsAClearError() {
    server.reply(new Reply(400, "application/json",
        "{\"__type\":\"ValidationException\",\"message\":\"Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 "
            + "with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile "
            + "that contains this model.\"}"));
    try (BedrockConverseModel raw = BedrockConverseModel.create("anthropic.claude-3-5-sonnet-20241022-v2:0", Region.US_WEST_2,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)), URI.create(server.baseUrl()))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> raw.converse(
              List.of(io.tracebridge.runtime.core.Message.user("hi")), List.of(), null,
              new io.tracebridge.runtime.core.ModelRequestOptions(10)))
          .isInstanceOf(io.tracebridge.runtime.core.ModelException.class)
          .hasMessageStartingWith("Bedrock model 'anthropic.claude-3-5-sonnet-20241022-v2:0' needs an inference profile id: "
              + "use e.g. 'us.anthropic.claude-3-5-sonnet-20241022-v2:0'");
    }
  }

  @Test
  void stopReasonsMap() {
    assertThat(BedrockConverseModel.stopReason("max_tokens").wireName()).isEqualTo("max_tokens");
    assertThat(BedrockConverseModel.stopReason("stop_sequence").wireName()).isEqualTo("stop_sequence");
    assertThat(BedrockConverseModel.stopReason("model_context_window_exceeded").wireName()).isEqualTo("max_tokens");
    assertThat(BedrockConverseModel.stopReason("guardrail_intervened").wireName()).isEqualTo("end_turn");
  }
}
