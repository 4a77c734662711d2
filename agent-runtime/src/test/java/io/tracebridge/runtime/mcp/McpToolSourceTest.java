package io.tracebridge.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.agent.AgentResult;
import io.tracebridge.runtime.aws.GatewayUrls;
import io.tracebridge.aws.SigV4Signer;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolStatus;
import io.tracebridge.runtime.core.Usage;
import io.tracebridge.runtime.hooks.SessionContextHook;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.testing.LoopbackMcpServer;
import io.tracebridge.runtime.testing.SigV4Check;
import jakarta.servlet.Filter;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * MCP tools over Streamable HTTP against a local MCP server built with the same SDK (servlet
 * transport on Jetty, loopback), standing in for AgentCore Gateway: every request must carry a
 * SigV4 signature (service bedrock-agentcore, region from the gateway URL) that the server
 * recomputes from the exact bytes it received.
 */
class McpToolSourceTest {
  private static final String GATEWAY_URL = "https://gw-1.gateway.bedrock-agentcore.us-west-2.amazonaws.com/mcp";
  private static final String KEY = "AKIDGATEWAYTEST";
  private static final String SECRET = "gateway-secret";

  private record Seen(String method, String path, Map<String, String> headers, byte[] body) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> calls = new CopyOnWriteArrayList<>();
  private LoopbackMcpServer server;

  @BeforeEach
  void start() throws Exception {
    String schema = """
        {"type":"object","properties":{"toolParameters":{"type":"object","properties":{
          "operand1":{"type":"number"},"operand2":{"type":"number"},"operation":{"type":"string"}}}},
         "required":["toolParameters"]}""";
    Filter recorder = (req, res, chain) -> {
      HttpServletRequest http = (HttpServletRequest) req;
      byte[] body = http.getInputStream().readAllBytes();
      Map<String, String> headers = new LinkedHashMap<>();
      for (String name : Collections.list(http.getHeaderNames())) {
        headers.put(name.toLowerCase(Locale.ROOT), http.getHeader(name));
      }
      seen.add(new Seen(http.getMethod(), http.getRequestURI(), headers, body));
      chain.doFilter(new CachedBody(http, body), res);
    };
    server = LoopbackMcpServer.start(0, "test-gateway", recorder, List.of(
        LoopbackMcpServer.tool("lambda-tools___calculate", schema, arguments -> {
          calls.add(arguments);
          @SuppressWarnings("unchecked")
          Map<String, Object> p = (Map<String, Object>) arguments.get("toolParameters");
          double v = ((Number) p.get("operand1")).doubleValue() * ((Number) p.get("operand2")).doubleValue();
          return "{\"result\":" + (long) v + "}";
        }),
        new McpServerFeatures.SyncToolSpecification(
            McpSchema.Tool.builder().name("lambda-tools___refuse").description("always an error")
                .inputSchema(LoopbackMcpServer.JSON, "{\"type\":\"object\"}").build(),
            (exchange, request) -> McpSchema.CallToolResult.builder().addTextContent("not allowed").isError(true).build())));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private McpToolSource connect(ToolRegistry registry) {
    SigV4Signer signer = new SigV4Signer(
        StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)),
        GatewayUrls.region(GATEWAY_URL, "us-east-1"),
        SigV4Signer.AGENTCORE_SERVICE);
    McpServerSpec spec = new McpServerSpec("gateway", server.url(), McpServerSpec.Auth.SIGV4, null);
    return McpToolSource.connect(spec, McpAuth.sigV4(signer), Duration.ofSeconds(20), registry);
  }

  @Test
  void gatewayToolsAreListedCalledWithSessionContextAndEveryRequestIsSigned() throws Exception {
    ToolRegistry registry = new ToolRegistry();
    try (McpToolSource source = connect(registry)) {
      List<Tool> tools = source.tools();
      assertThat(registry.names()).containsExactly("lambda-tools___calculate", "lambda-tools___refuse");
      assertThat(tools).extracting(t -> t.spec().name()).containsExactly("lambda-tools___calculate", "lambda-tools___refuse");
      assertThat(tools.get(0).spec().inputSchema().path("required").get(0).asText()).isEqualTo("toolParameters");

      com.fasterxml.jackson.databind.node.ObjectNode input = Json.object();
      input.putObject("toolParameters").put("operand1", 6).put("operand2", 7).put("operation", "multiply");
      ScriptedModel model = ScriptedModel.canned(List.of(
          new ModelResponse(List.of(ContentBlock.toolUse("t1", "lambda-tools___calculate", input)), StopReason.TOOL_USE, Usage.ZERO),
          new ModelResponse(List.of(ContentBlock.text("done")), StopReason.END_TURN, Usage.ZERO)));
      Agent agent = Agent.builder().model(model).tools(registry).build();
      AgentResult result = agent.invoke(
          new AgentRequest("6*7", "s", null, List.of(new SessionContextHook(Map.of("userID", "u-9")))));

      assertThat(result.text()).isEqualTo("done");
      assertThat(agent.conversation("s").get(2).toolResults().get(0))
          .isEqualTo(new ContentBlock.ToolResultBlock("t1", "{\"result\":42}", ToolStatus.SUCCESS));
      assertThat(calls).singleElement().satisfies(args -> {
        assertThat(args).containsEntry("action_id", "calculate");
        assertThat(args).containsEntry("sessionAttributes", Map.of("userID", "u-9"));
        assertThat(args).containsKey("toolParameters");
      });
      assertThat(tools.get(1).invoke(Json.object()).status()).isEqualTo(ToolStatus.ERROR);
    }
    assertThat(seen).hasSizeGreaterThanOrEqualTo(4);
    for (Seen s : seen) {
      SigV4Check.Parsed auth = SigV4Check.parse(s.headers().get("authorization"));
      assertThat(auth.accessKey()).isEqualTo(KEY);
      assertThat(auth.region()).isEqualTo("us-west-2");
      assertThat(auth.service()).isEqualTo("bedrock-agentcore");
      assertThat(s.headers().get("authorization"))
          .as(s.method() + " " + s.path())
          .isEqualTo(SigV4Check.expected(s.method(), s.path(), s.headers(), s.body(), KEY, SECRET));
    }
  }

  /** Replays a body the recording filter already read. */
  private static final class CachedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    CachedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException();
        }

        @Override
        public int read() {
          return in.read();
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
    }
  }
}
