package io.tracebridge.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.RuntimeConfig;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.agent.AgentResult;
import io.tracebridge.runtime.agent.AgentStopReason;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelException;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolStatus;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.testing.LoopbackHttpServer;
import io.tracebridge.runtime.testing.LoopbackHttpServer.Reply;
import io.tracebridge.runtime.tools.CalculateTool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** The native Gemini model against a loopback server speaking generateContent. */
class GeminiModelTest {
  private LoopbackHttpServer server;
  private Model model;

  @BeforeEach
  void start() throws Exception {
    server = new LoopbackHttpServer();
    RuntimeConfig config = RuntimeConfig.fromEnvironment(
        Map.of("GEMINI_API_KEY", "g-key", "GEMINI_NATIVE_BASE_URL", server.baseUrl() + "/"));
    model = Models.create("gemini-native:gemini-2.5-flash", config, AnonymousCredentialsProvider::create);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aToolCallingRunGoesThroughTheWireFormatBothWays() throws Exception {
    server.reply(Reply.json("""
        {"candidates":[{"content":{"role":"model","parts":[
            {"text":"need the calculator","thought":true},
            {"functionCall":{"name":"calculate",
              "args":{"toolParameters":{"operand1":6,"operand2":7,"operation":"multiply"}}}}]},
          "finishReason":"STOP"}],
         "usageMetadata":{"promptTokenCount":120,"candidatesTokenCount":18,"thoughtsTokenCount":12,
          "cachedContentTokenCount":64,"totalTokenCount":150}}"""));
    server.reply(Reply.json("""
        {"candidates":[{"content":{"role":"model","parts":[{"text":"It is 42."}]},"finishReason":"STOP"}],
         "usageMetadata":{"promptTokenCount":160,"candidatesTokenCount":5,"totalTokenCount":165}}"""));
    Agent agent = Agent.builder().model(model).tools(ToolRegistry.of(new CalculateTool())).systemPrompt("Be exact.").maxTokens(256).build();

    AgentResult result = agent.invoke(new AgentRequest("What is 6*7?", "s", null, List.of()));

    assertThat(result.text()).isEqualTo("It is 42.");
    assertThat(result.stopReason()).isEqualTo(AgentStopReason.END_TURN);
    assertThat(result.usage()).isEqualTo(new Usage(280, 35, 64, 0, 12));
    assertThat(model.modelId()).isEqualTo("gemini-2.5-flash");
    assertThat(server.requests()).hasSize(2).allSatisfy(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.rawPath()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
      assertThat(r.header("x-goog-api-key")).isEqualTo("g-key");
      assertThat(r.header("authorization")).isNull();
      assertThat(r.header("content-type")).isEqualTo("application/json");
    });
    JsonNode first = Json.read(server.requests().get(0).bodyText());
    assertThat(first.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be exact.");
    assertThat(first.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(256);
    assertThat(first.path("contents")).hasSize(1);
    assertThat(first.path("contents").get(0).path("role").asText()).isEqualTo("user");
    assertThat(first.path("contents").get(0).path("parts").get(0).path("text").asText()).isEqualTo("What is 6*7?");
    JsonNode declaration = first.path("tools").get(0).path("functionDeclarations").get(0);
    assertThat(declaration.path("name").asText()).isEqualTo("calculate");
    assertThat(declaration.path("description").asText()).isNotBlank();
    assertThat(declaration.path("parameters").path("properties").has("toolParameters")).isTrue();

    JsonNode second = Json.read(server.requests().get(1).bodyText());
    assertThat(second.path("contents")).hasSize(3);
    JsonNode modelTurn = second.path("contents").get(1);
    assertThat(modelTurn.path("role").asText()).isEqualTo("model");
    assertThat(modelTurn.path("parts")).hasSize(1);
    assertThat(modelTurn.path("parts").get(0).path("functionCall"))
        .isEqualTo(Json.read("{\"name\":\"calculate\",\"args\":{\"toolParameters\":{\"operand1\":6,\"operand2\":7,\"operation\":\"multiply\"}}}"));
    JsonNode toolTurn = second.path("contents").get(2);
    assertThat(toolTurn.path("role").asText()).isEqualTo("user");
    assertThat(toolTurn.path("parts").get(0).path("functionResponse"))
        .isEqualTo(Json.read("{\"name\":\"calculate\",\"response\":{\"result\":42}}"));
    assertThat(second.toString()).doesNotContain("need the calculator");
  }

  @Test
  void responsesMapToContentAndStopReasons() throws Exception {
    ModelResponse cut = GeminiModel.parse(Json.read("""
        {"candidates":[{"content":{"parts":[{"text":"cu"},{"text":"t"}]},"finishReason":"MAX_TOKENS"}],
         "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":4}}"""));
    assertThat(cut.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    assertThat(cut.content()).containsExactly(ContentBlock.text("cu"), ContentBlock.text("t"));
    assertThat(cut.usage()).isEqualTo(new Usage(10, 4, 0, 0, 0));
    ModelResponse call = GeminiModel.parse(Json.read("""
        {"candidates":[{"content":{"parts":[{"functionCall":{"id":"fc-1","name":"echo","args":{"text":"x"}}}]},"finishReason":"STOP"}]}"""));
    assertThat(call.stopReason()).isEqualTo(StopReason.TOOL_USE);
    assertThat(call.content()).containsExactly(ContentBlock.toolUse("fc-1", "echo", Json.read("{\"text\":\"x\"}")));
    assertThatThrownBy(() -> GeminiModel.parse(Json.read("{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}")))
        .isInstanceOf(ModelException.class).hasMessageContaining("SAFETY");
  }

  @Test
  void aFailedToolAndPlainTextResultsAreSentAsObjects() {
    JsonNode body = GeminiModel.requestBody(List.of(
        Message.user("go"),
        new Message(Role.ASSISTANT, List.of(
            ContentBlock.toolUse("a", "echo", Json.object()), ContentBlock.toolUse("b", "calculate", Json.object()))),
        new Message(Role.USER, List.of(
            new ContentBlock.ToolResultBlock("a", "plain text", ToolStatus.SUCCESS),
            new ContentBlock.ToolResultBlock("b", "division by zero", ToolStatus.ERROR)))),
        List.of(), null, new ModelRequestOptions(5));
    JsonNode parts = body.path("contents").get(2).path("parts");
    assertThat(parts.get(0).path("functionResponse").toString()).isEqualTo("{\"name\":\"echo\",\"response\":{\"result\":\"plain text\"}}");
    assertThat(parts.get(1).path("functionResponse").toString())
        .isEqualTo("{\"name\":\"calculate\",\"response\":{\"error\":\"division by zero\"}}");
    assertThat(body.has("systemInstruction")).isFalse();
    assertThat(body.has("tools")).isFalse();
  }

  @Test
  void errorsCarryTheStatusAndTheServersMessage() {
    server.reply(new Reply(400, "application/json",
        "{\"error\":{\"code\":400,\"message\":\"API key not valid\",\"status\":\"INVALID_ARGUMENT\"}}"));
    assertThatThrownBy(() -> model.converse(List.of(Message.user("secret prompt")), List.of(), null, new ModelRequestOptions(10)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("400")
        .hasMessageContaining("API key not valid")
        .hasMessageNotContaining("secret prompt");
    assertThat(model.toString()).contains("****").doesNotContain("g-key");
  }

  @Test
  void geminiWithoutNativeStaysOpenAiCompatible() {
    RuntimeConfig config = RuntimeConfig.fromEnvironment(Map.of("GEMINI_API_KEY", "g-key"));
    assertThat(Models.create("gemini:gemini-2.0-flash", config, AnonymousCredentialsProvider::create))
        .isInstanceOf(OpenAiCompatibleModel.class);
    assertThat(((GeminiModel) Models.create("gemini-native:gemini-2.0-flash", config, AnonymousCredentialsProvider::create))
        .endpoint().toString())
        .isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent");
    assertThatThrownBy(() -> OpenAiProvider.parseMap("{\"gemini-native\":{\"base_url\":\"http://x\"}}"))
        .hasMessageContaining("gemini-native");
  }
}
