package io.tracebridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuntimeConfigTest {
  @Test
  void defaults() {
    RuntimeConfig c = RuntimeConfig.fromEnvironment(Map.of());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.modelId()).isEqualTo("scripted");
    assertThat(c.region()).isEqualTo("us-east-1");
    assertThat(c.maxTokens()).isEqualTo(4096);
    assertThat(c.maxIterations()).isEqualTo(10);
    assertThat(c.systemPrompt()).isNull();
    assertThat(c.agentName()).isEqualTo("tracebridge-agent");
  }

  @Test
  void readsEveryKey() {
    RuntimeConfig c =
        RuntimeConfig.fromEnvironment(
            Map.of(
                "PORT", "0", "MODEL_ID", "m", "AWS_REGION", "eu-west-1", "MAX_TOKENS", "100",
                "MAX_ITERATIONS", "3", "SYSTEM_PROMPT", "be brief", "AGENT_NAME", "calc"));
    assertThat(c.port()).isZero();
    assertThat(c.modelId()).isEqualTo("m");
    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.maxTokens()).isEqualTo(100);
    assertThat(c.maxIterations()).isEqualTo(3);
    assertThat(c.systemPrompt()).isEqualTo("be brief");
    assertThat(c.agentName()).isEqualTo("calc");
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
  }

  @Test
  void fallsBackToAwsDefaultRegion() {
    assertThat(RuntimeConfig.fromEnvironment(Map.of("AWS_DEFAULT_REGION", "ap-south-1")).region())
        .isEqualTo("ap-south-1");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "PORT, abc, PORT must be an integer",
    "PORT, 70000, PORT must be between 0 and 65535",
    "MAX_TOKENS, 0, MAX_TOKENS must be >= 1",
    "MAX_ITERATIONS, 0, MAX_ITERATIONS must be between 1 and",
    "MAX_ITERATIONS, 5000, MAX_ITERATIONS must be between 1 and",
    "MAX_ITERATIONS, ten, MAX_ITERATIONS must be an integer",
  })
  void invalidValuesNameTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void builderValidatesBlankNames() {
    assertThatThrownBy(() -> RuntimeConfig.builder().agentName(" ").build()).hasMessageContaining("AGENT_NAME");
    assertThatThrownBy(() -> RuntimeConfig.builder().modelId("").build()).hasMessageContaining("MODEL_ID");
  }

  @Test
  void toStringHidesTheSystemPrompt() {
    RuntimeConfig c = RuntimeConfig.builder().systemPrompt("secret instructions").build();
    assertThat(c.toString()).doesNotContain("secret").contains("systemPrompt=<19 chars>");
  }
}
