package io.tracebridge.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.runtime.AgentRuntimeMain;
import io.tracebridge.runtime.RuntimeConfig;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolStatus;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.testing.LoopbackMcpServer;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several MCP servers on loopback (the official MCP SDK's server), as configuration wires them:
 * which tools are offered, per-server auth, re-listing on {@code tools/list_changed} and on
 * reconnection, the retry after a restart, and the start-up collision error.
 */
class McpServersTest {
  private static final String OBJECT = "{\"type\":\"object\"}";
  private static final String TOKEN = "secret-a";

  private final List<AutoCloseable> open = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T opened(T resource) {
    open.add(resource);
    return resource;
  }

  /** Refuses every request without {@code Authorization: Bearer secret-a}. */
  private static final Filter BEARER_ONLY = (req, res, chain) -> {
    if (!("Bearer " + TOKEN).equals(((HttpServletRequest) req).getHeader("Authorization"))) {
      ((HttpServletResponse) res).sendError(401);
      return;
    }
    chain.doFilter(req, res);
  };

  private LoopbackMcpServer server(int port, String name, Filter filter, String... tools) throws Exception {
    List<io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
    for (String tool : tools) {
      specs.add(LoopbackMcpServer.tool(tool, OBJECT, args -> {
        calls.incrementAndGet();
        return "{\"from\":\"" + name + "\",\"tool\":\"" + tool + "\"}";
      }));
    }
    return LoopbackMcpServer.start(port, name, filter, specs);
  }

  private McpToolSource connect(String name, LoopbackMcpServer server, McpAuth auth, ToolRegistry registry) {
    McpServerSpec spec = new McpServerSpec(name, server.url(), McpServerSpec.Auth.NONE, null);
    return opened(McpToolSource.connect(spec, auth, Duration.ofSeconds(10), registry));
  }

  private static ToolResult call(ToolRegistry registry, String tool) {
    return registry.find(tool).map(t -> t.invoke(Json.object())).orElseThrow(() -> new AssertionError("no tool " + tool));
  }

  /** Polls until {@code registry} offers {@code tool}, for at most 30 s. */
  private static void awaitTool(ToolRegistry registry, String tool) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!registry.names().contains(tool) && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
    assertThat(registry.names()).contains(tool);
  }

  @Test
  void twoServersEachWithItsOwnAuthShareOneRegistry() throws Exception {
    LoopbackMcpServer a = opened(server(0, "a", BEARER_ONLY, "a_lookup"));
    LoopbackMcpServer b = opened(server(0, "b", null, "b_search", "b_fetch"));
    ToolRegistry registry = new ToolRegistry();
    connect("a", a, McpAuth.bearer(TOKEN), registry);
    connect("b", b, McpAuth.none(), registry);

    assertThat(registry.names()).containsExactly("a_lookup", "b_search", "b_fetch");
    assertThat(call(registry, "a_lookup").content()).isEqualTo("{\"from\":\"a\",\"tool\":\"a_lookup\"}");
    assertThat(call(registry, "b_fetch").content()).isEqualTo("{\"from\":\"b\",\"tool\":\"b_fetch\"}");
    assertThatThrownBy(() -> connect("a-without-token", a, McpAuth.none(), new ToolRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MCP server 'a-without-token'");
  }

  @Test
  void aToolListChangeIsPickedUp() throws Exception {
    LoopbackMcpServer a = opened(server(0, "a", null, "a_lookup"));
    ToolRegistry registry = new ToolRegistry();
    connect("a", a, McpAuth.none(), registry);
    assertThat(registry.names()).containsExactly("a_lookup");

    a.addTool(LoopbackMcpServer.tool("a_late", OBJECT, args -> "{\"late\":true}"));

    awaitTool(registry, "a_late");
    assertThat(call(registry, "a_late").content()).isEqualTo("{\"late\":true}");
  }

  @Test
  void aCallAfterTheServerRestartsIsRetriedOnAFreshSessionAndTheToolsAreListedAgain() throws Exception {
    LoopbackMcpServer first = server(0, "b", null, "b_search");
    int port = first.port();
    ToolRegistry registry = new ToolRegistry();
    connect("b", first, McpAuth.none(), registry);
    Tool search = registry.find("b_search").orElseThrow();
    assertThat(search.invoke(Json.object()).status()).isEqualTo(ToolStatus.SUCCESS);
    first.close();

    opened(server(port, "b-restarted", null, "b_search", "b_new"));
    ToolResult afterRestart = search.invoke(Json.object());

    assertThat(afterRestart.status()).isEqualTo(ToolStatus.SUCCESS);
    assertThat(afterRestart.content()).isEqualTo("{\"from\":\"b-restarted\",\"tool\":\"b_search\"}");
    assertThat(registry.names()).containsExactly("b_search", "b_new");
    assertThat(call(registry, "b_new").content()).isEqualTo("{\"from\":\"b-restarted\",\"tool\":\"b_new\"}");
  }

  @Test
  void aCallToAServerThatStaysDownFailsAfterOneRetry() throws Exception {
    LoopbackMcpServer a = server(0, "a", null, "a_lookup");
    ToolRegistry registry = new ToolRegistry();
    connect("a", a, McpAuth.none(), registry);
    a.close();
    assertThatThrownBy(() -> call(registry, "a_lookup"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MCP server 'a'");
  }

  @Test
  void aToolNameCollidingAcrossServersIsRefusedAtStartUp() throws Exception {
    LoopbackMcpServer a = opened(server(0, "a", null, "lookup", "a_only"));
    LoopbackMcpServer b = opened(server(0, "b", null, "b_only", "lookup"));
    RuntimeConfig config = runtimeConfig(false, List.of(
        new McpServerSpec("first", a.url(), McpServerSpec.Auth.NONE, null),
        new McpServerSpec("second", b.url(), McpServerSpec.Auth.NONE, null)));
    assertThatThrownBy(() -> AgentRuntimeMain.start(config, Map.of(), noExport()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tool name 'lookup' of MCP server 'second' collides with the same-named tool of MCP server 'first'");
  }

  @Test
  void anMcpToolNamedLikeADemoToolIsRefusedWhenTheDemoToolsAreOn() throws Exception {
    LoopbackMcpServer a = opened(server(0, "a", null, "calculate"));
    RuntimeConfig config = runtimeConfig(true, List.of(new McpServerSpec("a", a.url(), McpServerSpec.Auth.NONE, null)));
    assertThatThrownBy(() -> AgentRuntimeMain.start(config, Map.of(), noExport()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'calculate' of MCP server 'a' collides with the same-named tool of built-in");
  }

  @Test
  void theDemoToolsAreOfferedOnlyWhenAskedFor() throws Exception {
    LoopbackMcpServer a = opened(server(0, "a", null, "a_lookup"));
    List<McpServerSpec> mcp = List.of(new McpServerSpec("a", a.url(), McpServerSpec.Auth.NONE, null));
    assertThat(ask(runtimeConfig(false, mcp), "What is 2+3?")).isEqualTo(ScriptedModel.DEFAULT_REPLY);
    assertThat(ask(runtimeConfig(true, mcp), "What is 2+3?")).isEqualTo("The result is 5.");
    assertThat(ask(RuntimeConfig.fromEnvironment(Map.of("PORT", "0", "HOST", "127.0.0.1")), "What is 2+3?"))
        .isEqualTo(ScriptedModel.DEFAULT_REPLY);
    assertThat(ask(RuntimeConfig.fromEnvironment(Map.of("PORT", "0", "HOST", "127.0.0.1", "DEMO_TOOLS", "true")), "What is 2+3?"))
        .isEqualTo("The result is 5.");
  }

  private static RuntimeConfig runtimeConfig(boolean demoTools, List<McpServerSpec> servers) {
    return RuntimeConfig.builder().host("127.0.0.1").port(0).demoTools(demoTools).mcpServers(servers).build();
  }

  private static Map<String, String> noExport() {
    return Map.of("otel.traces.exporter", "none", "otel.logs.exporter", "none");
  }

  /** Starts the runtime as {@code tracebridge runtime} does, asks once, stops it. */
  private static String ask(RuntimeConfig config, String prompt) throws Exception {
    try (AgentRuntimeMain.Running running = AgentRuntimeMain.start(config, Map.of(), noExport())) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/invocations"))
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("prompt", prompt))))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return Json.read(response.body()).get("response").asText();
    }
  }
}
