package io.tracebridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.runtime.mcp.McpServerSpec;
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

  @Test
  void toolsAreChosenByConfiguration() {
    RuntimeConfig none = RuntimeConfig.fromEnvironment(Map.of());
    assertThat(none.demoTools()).isFalse();
    assertThat(none.mcpServers()).isEmpty();
    RuntimeConfig c = RuntimeConfig.fromEnvironment(Map.of(
        "DEMO_TOOLS", "true",
        "MCP_SERVERS", "[{\"name\":\"gw\",\"url\":\"https://gw-1.gateway.bedrock-agentcore.us-west-2.amazonaws.com/mcp\"},"
            + "{\"name\":\"docs\",\"url\":\"http://127.0.0.1:9000/mcp\",\"auth\":\"bearer\",\"token\":\"tok-123\"},"
            + "{\"name\":\"local\",\"url\":\"http://127.0.0.1:9001/mcp\",\"auth\":\"none\"}]"));
    assertThat(c.demoTools()).isTrue();
    assertThat(c.mcpServers()).extracting(McpServerSpec::name, McpServerSpec::auth).containsExactly(
        org.assertj.core.groups.Tuple.tuple("gw", McpServerSpec.Auth.SIGV4),
        org.assertj.core.groups.Tuple.tuple("docs", McpServerSpec.Auth.BEARER),
        org.assertj.core.groups.Tuple.tuple("local", McpServerSpec.Auth.NONE));
    assertThat(c.mcpServers().get(1).token()).isEqualTo("tok-123");
    assertThat(c.toString()).contains("docs=http://127.0.0.1:9000/mcp (bearer ****)").doesNotContain("tok-123");
  }

  @Test
  void theSingleServerVariablesStillWork() {
    RuntimeConfig c = RuntimeConfig.fromEnvironment(Map.of("GATEWAY_URL", "http://127.0.0.1:9000/mcp", "MCP_SIGV4", "true"));
    assertThat(c.mcpServers()).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("mcp");
      assertThat(s.auth()).isEqualTo(McpServerSpec.Auth.SIGV4);
    });
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "DEMO_TOOLS|yes|DEMO_TOOLS must be true or false",
    "MCP_SIGV4|maybe|MCP_SIGV4 must be true or false or auto",
    "MCP_SERVERS|{\"name\":\"x\"}|MCP_SERVERS must be a JSON array",
    "MCP_SERVERS|[{\"name\":\"x\",\"url\":\"ftp://h/mcp\"}]|MCP_SERVERS[0]: MCP server 'x': url must be an http(s) URL",
    "MCP_SERVERS|[{\"name\":\"x\",\"url\":\"http://h/mcp\",\"auth\":\"basic\"}]|MCP_SERVERS[0]: auth must be none, bearer or sigv4",
    "MCP_SERVERS|[{\"name\":\"x\",\"url\":\"http://h/mcp\",\"auth\":\"bearer\"}]|MCP_SERVERS[0]: MCP server 'x': a token is needed",
    "MCP_SERVERS|[{\"name\":\"x\",\"url\":\"http://h/a\"},{\"name\":\"x\",\"url\":\"http://h/b\"}]|MCP_SERVERS[1]: the name 'x' is used twice",
  })
  void badToolSettingsNameTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void bothMcpServersAndTheSingleUrlIsAnError() {
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of(
            "MCP_SERVERS", "[]", "MCP_SERVER_URL", "http://127.0.0.1:9000/mcp")))
        .hasMessage("set MCP_SERVERS or MCP_SERVER_URL (GATEWAY_URL), not both");
  }

  @Test
  void upOffersTheDemoToolsUnlessToldNot() {
    assertThat(RuntimeConfig.fromEnvironment(Map.of(), true).demoTools()).isTrue();
    assertThat(RuntimeConfig.fromEnvironment(Map.of("DEMO_TOOLS", "false"), true).demoTools()).isFalse();
    assertThat(RuntimeConfig.fromEnvironment(Map.of("DEMO_TOOLS", "true"), false).demoTools()).isTrue();
  }

  @Test
  void perModelMaxTokens() {
    RuntimeConfig c = RuntimeConfig.fromEnvironment(Map.of(
        "MODEL_MAX_TOKENS", "{\"us.anthropic.claude-sonnet-4-20250514-v1:0\":8192,\"openai:gpt-4o-mini\":16384}"));
    assertThat(c.modelMaxTokens())
        .containsExactlyInAnyOrderEntriesOf(Map.of("us.anthropic.claude-sonnet-4-20250514-v1:0", 8192, "openai:gpt-4o-mini", 16384));
    assertThat(c.toBuilder().build().modelMaxTokens()).isEqualTo(c.modelMaxTokens());
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of("MODEL_MAX_TOKENS", "{\"m\":0}")))
        .hasMessage("MODEL_MAX_TOKENS: m must be an integer >= 1, got 0");
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of("MODEL_MAX_TOKENS", "[1]")))
        .hasMessageStartingWith("MODEL_MAX_TOKENS must be a JSON object");
  }

  @Test
  void theOpenAiKeyComesFromTheEnvironmentOrASecretNotBoth() {
    RuntimeConfig c = RuntimeConfig.fromEnvironment(Map.of("MODEL_ID", "openai:m", "OPENAI_API_KEY_SECRET", "rt/openai"));
    assertThat(c.openAiApiKeySecret()).isEqualTo("rt/openai");
    assertThat(c.toString()).contains("openAiApiKeySecret=rt/openai");
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of("OPENAI_API_KEY", "sk", "OPENAI_API_KEY_SECRET", "rt/openai")))
        .hasMessage("set OPENAI_API_KEY or OPENAI_API_KEY_SECRET, not both");
  }
}
