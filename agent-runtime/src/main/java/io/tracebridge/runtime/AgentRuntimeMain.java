package io.tracebridge.runtime;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.telemetry.RuntimeTelemetry;
import io.tracebridge.runtime.tools.CalculateTool;
import io.tracebridge.runtime.tools.EchoTool;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bootstrap: reads the environment once ({@link RuntimeConfig#fromEnvironment}, {@code OTEL_*} via
 * {@link RuntimeTelemetry}), builds the model and the built-in tools, starts {@link
 * AgentRuntimeServer} and logs {@code agent-runtime listening on http://127.0.0.1:PORT}. Exits with
 * status 2 on invalid configuration and 1 when the port cannot be bound; never after start-up. A
 * shutdown hook closes the server, flushes telemetry and closes Vert.x.
 */
public final class AgentRuntimeMain {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntimeMain.class);

  private AgentRuntimeMain() {}

  public static void main(String[] args) throws InterruptedException {
    RuntimeConfig config;
    Model model;
    try {
      config = RuntimeConfig.fromEnvironment(System.getenv());
      model = createModel(config);
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    OpenTelemetrySdk telemetry = RuntimeTelemetry.create(Map.of());
    Vertx vertx = Vertx.vertx();
    AgentRuntimeServer server = createDefault(vertx, config, telemetry, model);
    int port;
    try {
      port = server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("agent-runtime failed to start on port {}", config.port(), e);
      telemetry.close();
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    LOG.warn("agent-runtime did not stop cleanly", e);
                  }
                  telemetry.shutdown().join(10, TimeUnit.SECONDS);
                  vertx.close();
                },
                "agent-runtime-shutdown"));
    LOG.info("agent-runtime listening on http://127.0.0.1:{}", port);
  }

  /**
   * The model for {@code config.modelId()}: only {@value ScriptedModel#MODEL_ID} in this version.
   *
   * @throws IllegalArgumentException naming MODEL_ID for any other id
   */
  public static Model createModel(RuntimeConfig config) {
    if (ScriptedModel.MODEL_ID.equals(config.modelId())) {
      return new ScriptedModel();
    }
    throw new IllegalArgumentException(
        "MODEL_ID '" + config.modelId() + "' is not supported yet: this version runs only the offline '"
            + ScriptedModel.MODEL_ID + "' model; Bedrock Converse and OpenAI-compatible models come in a later issue");
  }

  /** The built-in tools: {@code calculate} and {@code echo}. */
  public static ToolRegistry defaultTools() {
    return ToolRegistry.of(new CalculateTool(), new EchoTool());
  }

  /** A server with the built-in tools and {@code model}, as {@link #main} builds it; not started. */
  public static AgentRuntimeServer createDefault(
      Vertx vertx, RuntimeConfig config, OpenTelemetry openTelemetry, Model model) {
    return AgentRuntimeServer.create(vertx, config, openTelemetry, defaultTools(), model);
  }
}
