package io.tracebridge.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.tracebridge.runtime.aws.SigV4Signer;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.internal.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tools of one MCP server over Streamable HTTP, through the official MCP Java SDK ({@link
 * McpSyncClient} on {@link HttpClientStreamableHttpTransport}, the JDK HTTP client).
 *
 * <p>For AgentCore Gateway every request (POST, GET, DELETE) is signed with SigV4, service {@value
 * SigV4Signer#AGENTCORE_SERVICE}, by a request customizer that hands the exact body to the signer:
 * the seed's {@code SigV4HTTPXAuth}. Gateway tool names ({@code target___tool}) are kept as they
 * are, so {@code SessionContextHook} derives {@code action_id} from them.
 *
 * <p>{@link #connect} initialises the session and lists the tools once (all pages), as the seed
 * does manually rather than by auto-discovery. A tool call sends the tool's input, which includes
 * what hooks added ({@code sessionAttributes}, {@code action_id}); the result's text contents are
 * joined (other content as JSON); {@code isError} gives an error result. Thread-safe; {@link
 * #close} ends the MCP session.
 */
public final class McpToolSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpToolSource.class);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final McpSyncClient client;
  private final List<Tool> tools;
  private final URI url;

  private McpToolSource(McpSyncClient client, List<Tool> tools, URI url) {
    this.client = client;
    this.tools = List.copyOf(tools);
    this.url = url;
  }

  /**
   * Connects to the MCP endpoint {@code url} (e.g. {@code https://gw.../mcp}) and lists its tools.
   *
   * @param signer signs every request (AgentCore Gateway); null for an unauthenticated server
   * @throws IllegalStateException naming the URL when the server cannot be reached or initialised
   */
  public static McpToolSource connect(URI url, @Nullable SigV4Signer signer, Duration timeout) {
    Objects.requireNonNull(url, "MCP_SERVER_URL");
    String base = url.getScheme() + "://" + url.getRawAuthority();
    String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      endpoint += "?" + url.getRawQuery();
    }
    HttpClientStreamableHttpTransport.Builder transport =
        HttpClientStreamableHttpTransport.builder(base)
            .endpoint(endpoint)
            .jsonMapper(new JacksonMcpJsonMapper(Json.MAPPER))
            .openConnectionOnStartup(false)
            .connectTimeout(Duration.ofSeconds(10));
    if (signer != null) {
      transport.httpRequestCustomizer(
          (builder, method, uri, body, context) ->
              signer.sign(method, uri, Map.of(), body).forEach(builder::setHeader));
    }
    McpSyncClient client =
        McpClient.sync(transport.build())
            .requestTimeout(timeout)
            .initializationTimeout(timeout)
            .clientInfo(new McpSchema.Implementation("tracebridge-agent-runtime", "0.1.0"))
            .build();
    try {
      client.initialize();
      List<Tool> tools = new ArrayList<>();
      String cursor = null;
      do {
        McpSchema.ListToolsResult page = cursor == null ? client.listTools() : client.listTools(cursor);
        for (McpSchema.Tool t : page.tools()) {
          tools.add(new McpTool(client, t));
        }
        cursor = page.nextCursor();
      } while (cursor != null && !cursor.isEmpty());
      LOG.info("MCP server {}: {} tools{}", url, tools.size(), signer == null ? "" : " (SigV4 " + signer + ")");
      return new McpToolSource(client, tools, url);
    } catch (RuntimeException e) {
      client.closeGracefully();
      throw new IllegalStateException("MCP server " + url + " could not be initialised: " + e.getMessage(), e);
    }
  }

  /** The server's tools, in the server's order. */
  public List<Tool> tools() {
    return tools;
  }

  @Override
  public void close() {
    if (!client.closeGracefully()) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "McpToolSource{" + url + ", " + tools.size() + " tools}";
  }

  /** One MCP tool. */
  static final class McpTool implements Tool {
    private final McpSyncClient client;
    private final ToolSpec spec;

    McpTool(McpSyncClient client, McpSchema.Tool tool) {
      this.client = client;
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
      McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(spec.name(), arguments));
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
