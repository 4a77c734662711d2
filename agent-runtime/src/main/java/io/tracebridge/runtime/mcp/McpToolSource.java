package io.tracebridge.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.internal.Json;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.tracebridge.runtime.telemetry.ClientSpans;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tools of one MCP server over Streamable HTTP, through the official MCP Java SDK ({@link
 * McpSyncClient} on {@link HttpClientStreamableHttpTransport}, the JDK HTTP client), kept current
 * in a {@link ToolRegistry} under the owner {@code MCP server '<name>'}.
 *
 * <p>Every request (POST, GET, DELETE) carries the server's {@link McpAuth} headers, computed from
 * the exact body (the seed's {@code SigV4HTTPXAuth} for AgentCore Gateway). Gateway tool names
 * ({@code target___tool}) are kept as they are, so {@code SessionContextHook} derives {@code
 * action_id} from them.
 *
 * <p>The tool list is read at {@link #connect} (all pages), again whenever the server announces
 * {@code notifications/tools/list_changed} (on the session's GET stream), and again after a
 * reconnection. A tool call that fails other than by a JSON-RPC error from the server (the server
 * restarted and forgot the session, the connection dropped) is retried once on a fresh session; a
 * second failure propagates and the agent turns it into an error result. A tool's {@code isError}
 * result is a result, not a failure. A re-listing that would collide with another source's tool is
 * refused and logged; the previous list stays. Thread-safe; {@link #close} ends the MCP session.
 */
public final class McpToolSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpToolSource.class);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final McpServerSpec spec;
  private final McpAuth auth;
  private final Duration timeout;
  private final ToolRegistry registry;
  private final String owner;
  private volatile McpSyncClient client;
  private volatile List<Tool> tools = List.of();

  private McpToolSource(McpServerSpec spec, McpAuth auth, Duration timeout, ToolRegistry registry) {
    this.spec = spec;
    this.auth = auth;
    this.timeout = timeout;
    this.registry = registry;
    this.owner = "MCP server '" + spec.name() + "'";
  }

  /**
   * Connects to {@code spec}'s endpoint, lists its tools and registers them in {@code registry}.
   *
   * @throws IllegalStateException naming the server when it cannot be reached or initialised
   * @throws IllegalArgumentException when one of its tools collides with a registered one
   */
  public static McpToolSource connect(McpServerSpec spec, McpAuth auth, Duration timeout, ToolRegistry registry) {
    McpToolSource source =
        new McpToolSource(
            Objects.requireNonNull(spec, "spec"),
            Objects.requireNonNull(auth, "auth"),
            Objects.requireNonNull(timeout, "timeout"),
            Objects.requireNonNull(registry, "registry"));
    McpSyncClient client = source.open();
    source.client = client;
    try {
      source.publish(source.listAll(client), true);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
    LOG.info("{} at {}: tools {}", source.owner, spec.url(), registry.names());
    return source;
  }

  /** The server's tools as last listed, in the server's order. */
  public List<Tool> tools() {
    return tools;
  }

  /** A new, initialised client (a new MCP session). */
  private McpSyncClient open() {
    URI url = spec.url();
    String base = url.getScheme() + "://" + url.getRawAuthority();
    String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      endpoint += "?" + url.getRawQuery();
    }
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(base)
            .endpoint(endpoint)
            .jsonMapper(new JacksonMcpJsonMapper(Json.MAPPER))
            // Once the session exists the transport opens the GET stream, where a server sends
            // notifications/tools/list_changed; none before it (a sessionless GET is refused).
            .openConnectionOnStartup(false)
            .connectTimeout(Duration.ofSeconds(10))
            .httpRequestCustomizer(
                (builder, method, uri, body, context) -> auth.headers(method, uri, body).forEach(builder::setHeader))
            .build();
    McpSyncClient[] self = new McpSyncClient[1];
    McpSyncClient created =
        McpClient.sync(transport)
            .requestTimeout(timeout)
            .initializationTimeout(timeout)
            .clientInfo(new McpSchema.Implementation("tracebridge-agent-runtime", "0.1.0"))
            .toolsChangeConsumer(changed -> relisted(self[0], changed))
            .build();
    self[0] = created;
    try {
      created.initialize();
      return created;
    } catch (RuntimeException e) {
      closeQuietly(created);
      throw new IllegalStateException(owner + " at " + url + " could not be initialised: " + e.getMessage(), e);
    }
  }

  /** The server announced a change; the SDK has listed the tools again (all pages). */
  private void relisted(McpSyncClient from, List<McpSchema.Tool> listed) {
    if (from != client) {
      return;
    }
    publish(listed.stream().<Tool>map(t -> new McpTool(this, t)).toList(), false);
    LOG.info("{} changed its tools: {}", owner, names(tools));
  }

  private List<Tool> listAll(McpSyncClient from) {
    List<Tool> out = new ArrayList<>();
    String cursor = null;
    do {
      McpSchema.ListToolsResult page = cursor == null ? from.listTools() : from.listTools(cursor);
      for (McpSchema.Tool t : page.tools()) {
        out.add(new McpTool(this, t));
      }
      cursor = page.nextCursor();
    } while (cursor != null && !cursor.isEmpty());
    return out;
  }

  /** Registers {@code listed}; at start-up a collision fails, later it is logged and ignored. */
  private synchronized void publish(List<Tool> listed, boolean startUp) {
    try {
      registry.replace(owner, listed);
      tools = List.copyOf(listed);
    } catch (IllegalArgumentException e) {
      if (startUp) {
        throw e;
      }
      LOG.warn("{}: new tool list refused, keeping {}: {}", owner, names(tools), e.getMessage());
    }
  }

  /** Calls {@code name}, once more on a fresh session if the first attempt failed in transport. */
  McpSchema.CallToolResult call(String name, Map<String, Object> arguments) {
    // A CLIENT span per MCP call, so the trace map shows the server (AgentCore Gateway) as a node.
    return ClientSpans.call("tools/call " + name, clientAttributes(), () -> callOnce(name, arguments));
  }

  private Attributes clientAttributes() {
    URI url = spec.url();
    AttributesBuilder b = ClientSpans.server(Attributes.builder(), url)
        .put(ClientSpans.RPC_SYSTEM, "jsonrpc")
        .put(ClientSpans.RPC_METHOD, "tools/call")
        .put(ClientSpans.MCP_METHOD, "tools/call")
        .put(ClientSpans.HTTP_METHOD, "POST");
    String host = url.getHost() == null ? "" : url.getHost();
    if (host.contains(".gateway.bedrock-agentcore.") && host.endsWith(".amazonaws.com")) {
      b.put(ClientSpans.AWS_REMOTE_SERVICE, "AWS::BedrockAgentCore::Gateway")
          .put(ClientSpans.AWS_REMOTE_OPERATION, "InvokeGateway")
          .put(ClientSpans.PEER_SERVICE, "AgentCore Gateway");
    } else {
      b.put(ClientSpans.PEER_SERVICE, spec.name());
    }
    return b.build();
  }

  private McpSchema.CallToolResult callOnce(String name, Map<String, Object> arguments) {
    McpSyncClient current = client;
    try {
      return current.callTool(new McpSchema.CallToolRequest(name, arguments));
    } catch (McpError e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("{}: call to {} failed ({}); retrying once on a fresh session", owner, name, e.getMessage());
      return reconnect(current).callTool(new McpSchema.CallToolRequest(name, arguments));
    }
  }

  /**
   * A fresh session replacing {@code failed}, its tools listed again; if another thread already
   * replaced it, that one.
   */
  private synchronized McpSyncClient reconnect(McpSyncClient failed) {
    if (client != failed) {
      return client;
    }
    McpSyncClient fresh = open();
    client = fresh;
    closeQuietly(failed);
    publish(listAll(fresh), false);
    LOG.info("{} reconnected: tools {}", owner, names(tools));
    return fresh;
  }

  private static List<String> names(List<Tool> tools) {
    return tools.stream().map(t -> t.spec().name()).toList();
  }

  private static void closeQuietly(McpSyncClient c) {
    try {
      if (!c.closeGracefully()) {
        c.close();
      }
    } catch (RuntimeException e) {
      LOG.debug("closing an MCP session failed", e);
    }
  }

  @Override
  public void close() {
    McpSyncClient c = client;
    if (c != null) {
      closeQuietly(c);
    }
  }

  @Override
  public String toString() {
    return "McpToolSource{" + spec + ", " + tools.size() + " tools}";
  }

  /** One MCP tool; calls go through its source, so they survive a reconnection. */
  static final class McpTool implements Tool {
    private final McpToolSource source;
    private final ToolSpec spec;

    McpTool(McpToolSource source, McpSchema.Tool tool) {
      this.source = source;
      JsonNode schema =
          tool.inputSchema() == null ? Json.object().put("type", "object") : Json.MAPPER.valueToTree(tool.inputSchema());
      String description = tool.description() == null ? tool.name() : tool.description();
      this.spec = new ToolSpec(tool.name(), description, schema);
    }

    @Override
    public ToolSpec spec() {
      return spec;
    }

    @Override
    public ToolResult invoke(JsonNode input) {
      @SuppressWarnings("unchecked")
      Map<String, Object> arguments =
          input instanceof ObjectNode ? Json.MAPPER.convertValue(input, Map.class) : Map.of("input", input);
      McpSchema.CallToolResult result = source.call(spec.name(), arguments);
      StringBuilder text = new StringBuilder();
      if (result.content() != null) {
        for (McpSchema.Content c : result.content()) {
          if (text.length() > 0) {
            text.append('\n');
          }
          text.append(c instanceof McpSchema.TextContent t ? t.text() : Json.write(Json.MAPPER.valueToTree(c)));
        }
      }
      if (text.length() == 0 && result.structuredContent() != null) {
        text.append(Json.write(Json.MAPPER.valueToTree(result.structuredContent())));
      }
      return Boolean.TRUE.equals(result.isError())
          ? ToolResult.error(text.toString())
          : ToolResult.success(text.toString());
    }
  }
}
