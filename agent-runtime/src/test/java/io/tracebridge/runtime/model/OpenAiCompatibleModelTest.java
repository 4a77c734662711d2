package io.tracebridge.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.agent.AgentResult;
import io.tracebridge.runtime.agent.AgentStopReason;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.ModelException;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.hooks.SessionContextHook;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.testing.LoopbackHttpServer;
import io.tracebridge.runtime.testing.LoopbackHttpServer.Reply;
import io.tracebridge.runtime.tools.CalculateTool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible model against a loopback server speaking chat completions. */
class OpenAiCompatibleModelTest {
  private LoopbackHttpServer server;
  private OpenAiCompatibleModel model;

  @BeforeEach
  void start() throws Exception {
    server = new LoopbackHttpServer();
    model = OpenAiCompatibleModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("sk-test").model("llama3.1").build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aToolCallingRunGoesThroughTheWireFormatBothWays() throws Exception {
    server.reply(Reply.json("""
        {"id":"c1","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
          "reasoning_content":"need the calculator",
          "tool_calls":[{"id":"call_1","type":"function","function":{"name":"calculate",
            "arguments":"{\\"toolParameters\\":{\\"operand1\\":6,\\"operand2\\":7,\\"operation\\":\\"multiply\\"}}"}}]}}],
         "usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,
          "prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":12}}}"""));
    server.reply(Reply.json("""
        {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"It is 43."}}],
         "usage":{"prompt_tokens":160,"completion_tokens":5}}"""));
    Agent agent = Agent.builder().model(model).tools(ToolRegistry.of(new CalculateTool())).systemPrompt("Be exact.").maxTokens(256).build();

    AgentResult result =
        agent.invoke(new AgentRequest("What is 6*7?", "s", null, List.of(new SessionContextHook(Map.of("bonus", "1")))));

    assertThat(result.text()).isEqualTo("It is 43.");
    assertThat(result.stopReason()).isEqualTo(AgentStopReason.END_TURN);
    assertThat(result.usage()).isEqualTo(new Usage(280, 35, 64, 0, 12));
    assertThat(server.requests()).hasSize(2).allSatisfy(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.rawPath()).isEqualTo("/v1/chat/completions");
      assertThat(r.header("authorization")).isEqualTo("Bearer sk-test");
      assertThat(r.header("content-type")).isEqualTo("application/json");
    });
    JsonNode first = Json.read(server.requests().get(0).bodyText());
    assertThat(first.path("model").asText()).isEqualTo("llama3.1");
    assertThat(first.path("max_tokens").asInt()).isEqualTo(256);
    assertThat(first.path("messages")).hasSize(2);
    assertThat(first.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(first.path("messages").get(1).path("content").asText()).isEqualTo("What is 6*7?");
    JsonNode fn = first.path("tools").get(0).path("function");
    assertThat(fn.path("name").asText()).isEqualTo("calculate");
    assertThat(fn.path("parameters").path("properties").has("toolParameters")).isTrue();
    assertThat(fn.toString()).doesNotContain("sessionAttributes");

    JsonNode second = Json.read(server.requests().get(1).bodyText());
    JsonNode assistant = second.path("messages").get(2);
    assertThat(assistant.path("role").asText()).isEqualTo("assistant");
    assertThat(assistant.path("content").isNull()).isTrue();
    assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo("call_1");
    assertThat(Json.read(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()))
        .isEqualTo(Json.read("{\"toolParameters\":{\"operand1\":6,\"operand2\":7,\"operation\":\"multiply\"}}"));
    JsonNode tool = second.path("messages").get(3);
    assertThat(tool.path("role").asText()).isEqualTo("tool");
    assertThat(tool.path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(tool.path("content").asText()).isEqualTo("{\"result\":43}");
    assertThat(second.toString()).doesNotContain("sessionAttributes").doesNotContain("need the calculator");
  }

  @Test
  void responsesMapToContentStopReasonsAndUsage() {
    ModelResponse r = OpenAiCompatibleModel.parse(read("""
        {"choices":[{"finish_reason":"length","message":{"content":"cut","reasoning":"thinking"}}],
         "usage":{"prompt_tokens":10,"completion_tokens":4}}"""));
    assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    assertThat(r.content()).containsExactly(ContentBlock.reasoning("thinking"), ContentBlock.text("cut"));
    assertThat(OpenAiCompatibleModel.parse(read("""
        {"choices":[{"finish_reason":"stop","stop_reason":"###","message":{"content":"a"}}]}""")).stopReason())
        .isEqualTo(StopReason.STOP_SEQUENCE);
    assertThat(OpenAiCompatibleModel.parse(read("""
        {"choices":[{"finish_reason":"stop","message":{"content":"a"}}]}""")).stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(OpenAiCompatibleModel.parse(read("""
        {"choices":[{"finish_reason":"stop","message":{"tool_calls":[{"id":"x","function":{"name":"echo","arguments":"{}"}}]}}]}""")).stopReason())
        .isEqualTo(StopReason.TOOL_USE);
  }

  @Test
  void errorsCarryTheStatusAndTheServersMessage() {
    server.reply(new Reply(429, "application/json", "{\"error\":{\"message\":\"Rate limit reached\"}}"));
    assertThatThrownBy(() -> model.converse(List.of(Message.user("secret prompt")), List.of(), null, new ModelRequestOptions(10)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("429")
        .hasMessageContaining("Rate limit reached")
        .hasMessageNotContaining("secret prompt");
  }

  @Test
  void maxCompletionTokensAndNoKey() throws Exception {
    server.reply(Reply.json("{\"choices\":[{\"finish_reason\":\"stop\",\"message\":{\"content\":\"ok\"}}]}"));
    OpenAiCompatibleModel local = OpenAiCompatibleModel.builder().baseUrl(server.baseUrl() + "/v1/")
        .model("m").maxTokensField("max_completion_tokens").build();
    local.converse(List.of(Message.user("hi")), List.of(), null, new ModelRequestOptions(7));
    assertThat(server.requests().get(0).header("authorization")).isNull();
    assertThat(Json.read(server.requests().get(0).bodyText()).path("max_completion_tokens").asInt()).isEqualTo(7);
    assertThat(local.toString()).doesNotContain("sk-");
    assertThat(model.toString()).contains("****").doesNotContain("sk-test");
  }

  private static JsonNode read(String json) {
    try {
      return Json.read(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
