package io.tracebridge.runtime.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.annotation.Nullable;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server on loopback: the official SDK's Streamable HTTP servlet transport on Jetty at
 * {@code /mcp}, announcing tool-list changes. Stop it and start another on the same port to play
 * a server restart (the new one knows none of the old sessions).
 */
public final class LoopbackMcpServer implements AutoCloseable {
  public static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());

  private final Server jetty;
  private final McpSyncServer mcp;
  private final int port;

  private LoopbackMcpServer(Server jetty, McpSyncServer mcp, int port) {
    this.jetty = jetty;
    this.mcp = mcp;
    this.port = port;
  }

  /**
   * Starts a server offering {@code tools} on {@code port} (0: ephemeral), every request passing
   * {@code filter} first when given.
   */
  public static LoopbackMcpServer start(
      int port, String name, @Nullable Filter filter, List<McpServerFeatures.SyncToolSpecification> tools)
      throws Exception {
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder().jsonMapper(JSON).mcpEndpoint("/mcp").build();
    McpSyncServer mcp = McpServer.sync(transport)
        .serverInfo(name, "1.0.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(tools)
        .build();
    Server jetty = new Server(new InetSocketAddress("127.0.0.1", port));
    ServletContextHandler context = new ServletContextHandler();
    ServletHolder servlet = new ServletHolder(transport);
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, "/*");
    if (filter != null) {
      FilterHolder holder = new FilterHolder(filter);
      holder.setAsyncSupported(true);
      context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    jetty.setHandler(context);
    jetty.start();
    return new LoopbackMcpServer(jetty, mcp, ((ServerConnector) jetty.getConnectors()[0]).getLocalPort());
  }

  /** A tool whose text result is {@code handler(arguments)}. */
  public static McpServerFeatures.SyncToolSpecification tool(
      String name, String schema, Function<Map<String, Object>, String> handler) {
    return new McpServerFeatures.SyncToolSpecification(
        McpSchema.Tool.builder().name(name).description(name + " (test)").inputSchema(JSON, schema).build(),
        (exchange, request) ->
            McpSchema.CallToolResult.builder().addTextContent(handler.apply(request.arguments())).isError(false).build());
  }

  public int port() {
    return port;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port + "/mcp");
  }

  /** Adds a tool; the server announces {@code notifications/tools/list_changed} to its sessions. */
  public void addTool(McpServerFeatures.SyncToolSpecification tool) {
    mcp.addTool(tool);
  }

  @Override
  public void close() throws Exception {
    mcp.close();
    jetty.stop();
  }
}
