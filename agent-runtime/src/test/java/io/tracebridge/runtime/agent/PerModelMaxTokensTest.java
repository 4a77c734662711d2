package io.tracebridge.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.model.ScriptedModel;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.junit.jupiter.api.Test;

/** {@code MODEL_MAX_TOKENS}: each model is called with its own max tokens, others with MAX_TOKENS. */
class PerModelMaxTokensTest {
  /** The scripted model under another id. */
  private static Model named(String id) {
    ScriptedModel scripted = new ScriptedModel();
    return new Model() {
      @Override
      public String modelId() {
        return id;
      }

      @Override
      public ModelResponse converse(
          List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
        return scripted.converse(messages, tools, systemPrompt, options);
      }
    };
  }

  @Test
  void eachModelGetsItsOwnMaxTokens() {
    RecordingModel byDefault = new RecordingModel(new ScriptedModel());
    RecordingModel prefixed = new RecordingModel(named("gpt-4o-mini"));
    RecordingModel plain = new RecordingModel(named("plain"));
    Agent agent = Agent.builder()
        .model(byDefault)
        .modelResolver(id -> id.equals("openai:gpt-4o-mini") ? prefixed : plain)
        .maxTokens(100)
        .maxTokensByModel(Map.of("scripted", 300, "openai:gpt-4o-mini", 500))
        .build();

    agent.invoke(AgentRequest.of("hello", "s1"));
    agent.invoke(new AgentRequest("hello", "s2", null, List.of(), "openai:gpt-4o-mini"));
    agent.invoke(new AgentRequest("hello", "s3", null, List.of(), "plain"));

    assertThat(byDefault.options).extracting(ModelRequestOptions::maxTokens).containsExactly(300);
    assertThat(prefixed.options).extracting(ModelRequestOptions::maxTokens).containsExactly(500);
    assertThat(plain.options).extracting(ModelRequestOptions::maxTokens).containsExactly(100);
  }
}
