package io.tracebridge.runtime;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.cloudwatch.otlp.SpanDataConverter;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.agent.AgentResult;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.hooks.TelemetryCaptureHook;
import io.tracebridge.runtime.mcp.McpAuth;
import io.tracebridge.runtime.mcp.McpServerSpec;
import io.tracebridge.runtime.mcp.McpToolSource;
import io.tracebridge.runtime.model.BedrockConverseModel;
import io.tracebridge.runtime.model.GeminiModel;
import io.tracebridge.runtime.model.OpenAiCompatibleModel;
import io.tracebridge.runtime.telemetry.ClientSpans;
import io.tracebridge.runtime.testing.LoopbackHttpServer;
import io.tracebridge.runtime.testing.LoopbackHttpServer.Reply;
import io.tracebridge.runtime.testing.LoopbackMcpServer;
import io.tracebridge.runtime.tools.CalculateTool;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Every model and MCP call of the runtime gets a CLIENT span under its chat or tool span, so a
 * trace map shows Bedrock, OpenAI, Gemini and the MCP server (AgentCore Gateway) as nodes; the
 * usage stays on the chat spans, so the span mapper still counts each call once.
 */
class ClientSpansTest {
  private static final String TOOL_USE_BEDROCK = """
      {"output":{"message":{"role":"assistant","content":[
         {"toolUse":{"toolUseId":"tu-1","name":"add","input":{"a":2,"b":3}}}]}},
       "stopReason":"tool_use","usage":{"inputTokens":100,"outputTokens":40,"totalTokens":140},"metrics":{"latencyMs":10}}""";
  private static final String END_BEDROCK = """
      {"output":{"message":{"role":"assistant","content":[{"text":"It is 5."}]}},"stopReason":"end_turn",
       "usage":{"inputTokens":200,"outputTokens":5,"totalTokens":205},"metrics":{"latencyMs":10}}""";

  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();
  private LoopbackHttpServer http;
  private LoopbackMcpServer mcp;

  @BeforeEach
  void start() throws Exception {
    http = new LoopbackHttpServer();
    mcp = LoopbackMcpServer.start(0, "calc-mcp", null, List.of(LoopbackMcpServer.tool("add",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}}}",
        args -> "{\"result\":5}")));
  }

  @AfterEach
  void stop() throws Exception {
    telemetry.close();
    http.close();
    mcp.close();
  }

  private AgentResult run(Model model, ToolRegistry tools) {
    Agent agent = Agent.builder().model(model).tools(tools).openTelemetry(telemetry.sdk).agentName("calc-agent")
        .addHook(new TelemetryCaptureHook()).build();
    return agent.invoke(AgentRequest.of("What is 2+3?", "s-1"));
  }

  private List<SpanData> clients() {
    return telemetry.spans().stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
  }

  private SpanData parent(SpanData span) {
    return telemetry.spans().stream().filter(s -> s.getSpanId().equals(span.getParentSpanId())).findFirst().orElseThrow();
  }

  private static void noUsageNoOperation(SpanData client) {
    assertThat(client.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
        .noneMatch(k -> k.startsWith("gen_ai.usage.") || k.equals("gen_ai.operation.name"));
    assertThat(client.getInstrumentationScopeInfo().getName()).isEqualTo(ClientSpans.SCOPE);
  }

  private void usageCountedOnce(AgentResult result) {
    List<FunctionalRecord> records = new SpanMapper().map("t", SpanDataConverter.toRequest(telemetry.spans())).records();
    Usage u = result.usage();
    assertThat(TraceUsage.total(records)).isEqualTo(new io.tracebridge.mapper.Usage(
        u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens(), u.reasoningTokens()));
    Set<String> clientIds = clients().stream().map(SpanData::getSpanId).collect(Collectors.toSet());
    assertThat(records).as("no record made of a client span").noneMatch(r -> clientIds.contains(r.spanId()));
  }

  @Test
  void bedrockConverseAndMcpCallsAreClientSpansUnderTheirChatAndToolSpans() throws Exception {
    http.reply(Reply.json(TOOL_USE_BEDROCK));
    http.reply(Reply.json(END_BEDROCK));
    ToolRegistry tools = new ToolRegistry();
    try (BedrockConverseModel model = BedrockConverseModel.create("us.anthropic.claude-sonnet-4", Region.US_WEST_2,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")), URI.create(http.baseUrl()));
        McpToolSource source = McpToolSource.connect(new McpServerSpec("calc-mcp", mcp.url(), McpServerSpec.Auth.NONE, null),
            McpAuth.none(), Duration.ofSeconds(10), tools)) {
      AgentResult result = run(model, tools);
      assertThat(result.text()).isEqualTo("It is 5.");

      List<SpanData> bedrock = clients().stream().filter(s -> s.getName().equals("BedrockRuntime.Converse")).toList();
      assertThat(bedrock).hasSize(2).allSatisfy(s -> {
        assertThat(parent(s).getName()).isEqualTo("chat");
        assertThat(s.getAttributes().get(ClientSpans.RPC_SYSTEM)).isEqualTo("aws-api");
        assertThat(s.getAttributes().get(ClientSpans.RPC_SERVICE)).isEqualTo("BedrockRuntime");
        assertThat(s.getAttributes().get(ClientSpans.RPC_METHOD)).isEqualTo("Converse");
        assertThat(s.getAttributes().get(ClientSpans.AWS_REMOTE_SERVICE)).isEqualTo("AWS::BedrockRuntime");
        assertThat(s.getAttributes().get(ClientSpans.GEN_AI_SYSTEM)).isEqualTo("aws.bedrock");
        assertThat(s.getAttributes().get(ClientSpans.GEN_AI_REQUEST_MODEL)).isEqualTo("us.anthropic.claude-sonnet-4");
        assertThat(s.getAttributes().get(ClientSpans.SERVER_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(s.getAttributes().get(ClientSpans.SERVER_PORT)).isEqualTo((long) URI.create(http.baseUrl()).getPort());
        noUsageNoOperation(s);
      });
      SpanData tool = clients().stream().filter(s -> s.getName().equals("tools/call add")).findFirst().orElseThrow();
      assertThat(parent(tool).getName()).isEqualTo("execute_tool add");
      assertThat(tool.getAttributes().get(ClientSpans.MCP_METHOD)).isEqualTo("tools/call");
      assertThat(tool.getAttributes().get(ClientSpans.RPC_SYSTEM)).isEqualTo("jsonrpc");
      assertThat(tool.getAttributes().get(ClientSpans.PEER_SERVICE)).isEqualTo("calc-mcp");
      assertThat(tool.getAttributes().get(ClientSpans.SERVER_PORT)).isEqualTo((long) mcp.port());
      noUsageNoOperation(tool);
      assertThat(clients()).hasSize(3);
      // The chat spans keep their usage, once each.
      assertThat(telemetry.spansNamed("chat")).extracting(s -> s.getAttributes().get(longKey("gen_ai.usage.input_tokens")))
          .containsExactly(100L, 200L);
      usageCountedOnce(result);
    }
  }

  @Test
  void openAiCallsAreClientSpansNamedAfterTheProvider() {
    http.reply(Reply.json("""
        {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"5"}}],
         "usage":{"prompt_tokens":20,"completion_tokens":1,"total_tokens":21}}"""));
    OpenAiCompatibleModel model = OpenAiCompatibleModel.builder().baseUrl(http.baseUrl() + "/v1").apiKey("sk-test")
        .model("gpt-4o-mini").provider("openai").build();
    AgentResult result = run(model, ToolRegistry.of(new CalculateTool()));

    SpanData client = clients().stream().filter(s -> s.getName().equals("OpenAI.ChatCompletions")).findFirst().orElseThrow();
    assertThat(parent(client).getName()).isEqualTo("chat");
    assertThat(client.getAttributes().get(ClientSpans.PEER_SERVICE)).isEqualTo("OpenAI");
    assertThat(client.getAttributes().get(ClientSpans.GEN_AI_SYSTEM)).isEqualTo("openai");
    assertThat(client.getAttributes().get(ClientSpans.HTTP_METHOD)).isEqualTo("POST");
    assertThat(client.getAttributes().get(ClientSpans.HTTP_STATUS)).isEqualTo(200L);
    assertThat(client.getAttributes().get(ClientSpans.URL_FULL)).isEqualTo(http.baseUrl() + "/v1/chat/completions");
    assertThat(client.getAttributes().get(ClientSpans.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
    noUsageNoOperation(client);
    // The chat span has no HTTP status of its own: it stays what the span mapper reads.
    assertThat(telemetry.span("chat").getAttributes().get(ClientSpans.HTTP_STATUS)).isNull();
    usageCountedOnce(result);
  }

  @Test
  void geminiCallsAreClientSpansAndAFailedCallIsAnErrorClientSpan() {
    http.reply(new Reply(500, "application/json", "{\"error\":{\"message\":\"backend down\"}}"));
    GeminiModel model = new GeminiModel(http.baseUrl(), "gemini-2.5-flash", "g-key", Duration.ofSeconds(5));

    assertThatThrownBy(() -> run(model, new ToolRegistry())).hasMessageContaining("backend down");

    SpanData client = clients().stream().filter(s -> s.getName().equals("Gemini.GenerateContent")).findFirst().orElseThrow();
    assertThat(parent(client).getName()).isEqualTo("chat");
    assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(client.getAttributes().get(ClientSpans.HTTP_STATUS)).isEqualTo(500L);
    assertThat(client.getAttributes().get(ClientSpans.PEER_SERVICE)).isEqualTo("Gemini");
    assertThat(client.getAttributes().get(stringKey("error.type"))).isNotBlank();
    assertThat(client.getEvents()).anyMatch(e -> e.getName().equals("exception"));
  }

  @Test
  void withoutAnAgentAModelCallMakesNoSpan() {
    http.reply(Reply.json("""
        {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"5"}}],
         "usage":{"prompt_tokens":20,"completion_tokens":1,"total_tokens":21}}"""));
    OpenAiCompatibleModel model = OpenAiCompatibleModel.builder().baseUrl(http.baseUrl() + "/v1").model("m").build();
    model.converse(List.of(io.tracebridge.runtime.core.Message.user("hi")), List.of(), null,
        new io.tracebridge.runtime.core.ModelRequestOptions(64));
    assertThat(telemetry.spans()).isEmpty();
  }
}
