package io.tracebridge.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.RuntimeConfig;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.testing.LoopbackHttpServer;
import io.tracebridge.runtime.testing.LoopbackHttpServer.Reply;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** Several OpenAI-compatible providers at once (two loopback fakes), chosen per invocation by model id. */
class ProvidersTest {
  private static final String ANSWER = """
      {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"from %s"}}],
       "usage":{"prompt_tokens":%d,"completion_tokens":2}}""";

  @Test
  void theModelIdPicksTheProviderPerInvocation() throws Exception {
    try (LoopbackHttpServer one = new LoopbackHttpServer(); LoopbackHttpServer two = new LoopbackHttpServer()) {
      one.reply(Reply.json(ANSWER.formatted("one", 11)));
      two.reply(Reply.json(ANSWER.formatted("two", 22)));
      RuntimeConfig config = RuntimeConfig.fromEnvironment(Map.of(
          "OPENAI_PROVIDERS", "{\"one\":{\"base_url\":\"" + one.baseUrl() + "/v1\",\"api_key\":\"key-one\"},"
              + "\"two\":{\"base_url\":\"" + two.baseUrl() + "/v1\",\"max_tokens_field\":\"max_completion_tokens\"}}"));
      Function<String, Model> models = Models.resolver(config, AnonymousCredentialsProvider::create, () -> null);
      Agent agent = Agent.builder().model(new ScriptedModel()).modelResolver(models).maxTokens(64).build();

      assertThat(agent.invoke(new AgentRequest("hi", "a", null, List.of(), "one:llama3.1")).text()).isEqualTo("from one");
      assertThat(agent.invoke(new AgentRequest("hi", "b", null, List.of(), "two:qwen3")).usage().inputTokens()).isEqualTo(22);

      JsonNode toOne = Json.read(one.requests().get(0).bodyText());
      assertThat(toOne.get("model").asText()).isEqualTo("llama3.1");
      assertThat(toOne.get("max_tokens").asInt()).isEqualTo(64);
      assertThat(one.requests().get(0).header("authorization")).isEqualTo("Bearer key-one");
      JsonNode toTwo = Json.read(two.requests().get(0).bodyText());
      assertThat(toTwo.get("model").asText()).isEqualTo("qwen3");
      assertThat(toTwo.get("max_completion_tokens").asInt()).isEqualTo(64);
      assertThat(two.requests().get(0).header("authorization")).isNull();
      assertThat(config.toString()).contains("one=" + one.baseUrl() + "/v1 (key ****)").doesNotContain("key-one");
    }
  }

  @Test
  void geminiIsBuiltInThroughItsOpenAiCompatibleApi() {
    RuntimeConfig config = RuntimeConfig.fromEnvironment(Map.of("GEMINI_API_KEY", "g-key"));
    Model gemini = Models.create("gemini:gemini-2.0-flash", config, AnonymousCredentialsProvider::create);
    assertThat(gemini).isInstanceOf(OpenAiCompatibleModel.class);
    assertThat(gemini.modelId()).isEqualTo("gemini-2.0-flash");
    assertThat(((OpenAiCompatibleModel) gemini).endpoint().toString())
        .isEqualTo("https://generativelanguage.googleapis.com/v1beta/openai/chat/completions");
    assertThat(config.openAiProviders().get("gemini").apiKey()).isEqualTo("g-key");
  }

  @Test
  void badProvidersNameTheSetting() {
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of("OPENAI_PROVIDERS", "{\"x\":{}}")))
        .hasMessage("OPENAI_PROVIDERS.x: base_url is required");
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of("OPENAI_PROVIDERS", "{\"openai\":{\"base_url\":\"http://h/v1\"}}")))
        .hasMessageStartingWith("OPENAI_PROVIDERS.openai: provider name 'openai' must be");
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of("OPENAI_PROVIDERS", "[]")))
        .hasMessageStartingWith("OPENAI_PROVIDERS must be a JSON object");
  }
}
