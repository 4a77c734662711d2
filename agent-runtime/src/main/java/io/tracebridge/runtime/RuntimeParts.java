package io.tracebridge.runtime;

import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.mcp.McpServerSpec;
import io.tracebridge.runtime.mcp.McpToolSource;
import io.tracebridge.runtime.model.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a {@link RuntimeConfig} asks the runtime to run: the default model, the resolver of a
 * request's {@code model_id}, and the tools (the demo tools when {@code DEMO_TOOLS}, then each MCP
 * server's, connected). Built the same way by {@code tracebridge runtime}, {@code tracebridge up}
 * and the image, so the variables mean the same under every command. {@link #close()} ends the MCP
 * sessions.
 */
public final class RuntimeParts implements AutoCloseable {
  private final Model model;
  private final Function<String, Model> models;
  private final ToolRegistry tools;
  private final List<McpToolSource> mcp;

  private RuntimeParts(Model model, Function<String, Model> models, ToolRegistry tools, List<McpToolSource> mcp) {
    this.model = model;
    this.models = models;
    this.tools = tools;
    this.mcp = List.copyOf(mcp);
  }

  /**
   * Builds the model and connects the MCP servers.
   *
   * @throws IllegalArgumentException naming the setting when the configuration is invalid, an MCP
   *     server cannot be reached, or a tool name collides
   */
  public static RuntimeParts of(RuntimeConfig config) {
    ToolRegistry tools = config.demoTools() ? AgentRuntimeMain.demoTools() : new ToolRegistry();
    List<McpToolSource> mcp = new ArrayList<>();
    try {
      Function<String, Model> models = Models.resolver(
          config, AgentRuntimeMain.bedrockCredentials(config), AgentRuntimeMain.openAiApiKey(config),
          AgentRuntimeMain.keySecrets(config));
      Model model = models.apply(config.modelId());
      for (McpServerSpec server : config.mcpServers()) {
        mcp.add(AgentRuntimeMain.connectMcp(server, config.region(), tools));
      }
      return new RuntimeParts(model, models, tools, mcp);
    } catch (IllegalStateException | IllegalArgumentException e) {
      mcp.forEach(McpToolSource::close);
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public Model model() {
    return model;
  }

  /** Resolves a request's {@code model_id} (models built once and cached, see {@link Models}). */
  public Function<String, Model> models() {
    return models;
  }

  /** The tools, kept current as the MCP servers change theirs. */
  public ToolRegistry tools() {
    return tools;
  }

  @Override
  public void close() {
    mcp.forEach(McpToolSource::close);
  }
}
