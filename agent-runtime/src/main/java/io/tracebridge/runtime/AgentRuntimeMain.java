package io.tracebridge.runtime;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.model.ScriptedModel;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.tracebridge.cloudwatch.CloudWatchExportConfig;
import io.tracebridge.cloudwatch.CloudWatchExport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.tracebridge.runtime.telemetry.RuntimeTelemetry;
import io.tracebridge.runtime.telemetry.TraceCapture;
import io.tracebridge.runtime.tools.CalculateTool;
import io.tracebridge.runtime.tools.EchoTool;
import io.vertx.core.Vertx;
import io.tracebridge.runtime.aws.GatewayUrls;
import io.tracebridge.runtime.aws.SecretsManagerCredentials;
import io.tracebridge.aws.SigV4Signer;
import io.tracebridge.runtime.mcp.McpAuth;
import io.tracebridge.runtime.mcp.McpServerSpec;
import io.tracebridge.runtime.mcp.McpToolSource;
import io.tracebridge.runtime.model.KeySecret;
import io.tracebridge.runtime.model.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bootstrap: reads the environment once ({@link RuntimeConfig#fromEnvironment}, {@code OTEL_*} via
 * {@link RuntimeTelemetry}), builds the model and the built-in tools, starts {@link
 * AgentRuntimeServer} and logs {@code agent-runtime listening on http://HOST:PORT}. Exits with
 * status 2 on invalid configuration and 1 when the port cannot be bound; never after start-up. A
 * shutdown hook closes the server, flushes telemetry and closes Vert.x.
 */
public final class AgentRuntimeMain {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntimeMain.class);

  private AgentRuntimeMain() {}

  public static void main(String[] args) throws InterruptedException {
    RuntimeConfig config;
    try {
      config = RuntimeConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Running running;
    try {
      running = start(config, System.getenv(), Map.of());
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (IllegalStateException e) {
      LOG.error("agent-runtime failed to start on port {}", config.port(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "agent-runtime-shutdown"));
  }

  /** A started runtime: its port, and {@link #close()} to stop it and flush its telemetry. */
  public static final class Running implements AutoCloseable {
    private final int port;
    private final Runnable stop;

    private Running(int port, Runnable stop) {
      this.port = port;
      this.stop = stop;
    }

    public int port() {
      return port;
    }

    @Override
    public void close() {
      stop.run();
    }
  }

  /**
   * Builds the model, tools (MCP included), telemetry (OTLP, plus CloudWatch when {@code
   * TRACEBRIDGE_CLOUDWATCH_*} in {@code env} configures it) and the server, and starts it on
   * {@code config.host()}:{@code config.port()}. Used by {@link #main} and {@code tracebridge
   * runtime}; blocks until bound.
   *
   * @param telemetryOverrides {@code otel.*} properties over the environment's (the OTLP endpoint)
   * @throws IllegalArgumentException naming the setting when the configuration is invalid
   * @throws IllegalStateException when the server cannot start
   */
  public static Running start(RuntimeConfig config, Map<String, String> env, Map<String, String> telemetryOverrides) {
    RuntimeParts parts = RuntimeParts.of(config);
    // Dual export: OTLP to the receiver always; CloudWatch as well when TRACEBRIDGE_CLOUDWATCH_*
    // configures it (see cloudwatch-export/README.md).
    CloudWatchExportConfig cloudWatch = CloudWatchExportConfig.fromEnvironment(env);
    // The seed's in-memory capture too: the nested reply's output.traces.
    TraceCapture capture = new TraceCapture();
    List<SpanProcessor> extraProcessors = new ArrayList<>();
    extraProcessors.add(capture);
    List<LogRecordProcessor> extraLogProcessors = new ArrayList<>();
    Attributes extraResource = Attributes.empty();
    if (cloudWatch.enabled()) {
      // Spans and the hook-event log records go to CloudWatch from here; the resource says so
      // (tracebridge.cloudwatch.exported=true), so a receiver forwarding to CloudWatch skips them.
      CloudWatchExport export = CloudWatchExport.create(cloudWatch);
      extraProcessors.add(BatchSpanProcessor.builder(export.spanExporter()).build());
      extraLogProcessors.add(BatchLogRecordProcessor.builder(export.logRecordExporter()).build());
      extraResource = cloudWatchResource(cloudWatch);
    }
    OpenTelemetrySdk telemetry = RuntimeTelemetry.create(telemetryOverrides, extraProcessors, extraLogProcessors, extraResource);
    Vertx vertx = Vertx.vertx();
    AgentRuntimeServer server =
        AgentRuntimeServer.create(vertx, config, telemetry, parts.tools(), parts.model(), parts.models())
            .withTraceCapture(capture);
    int port;
    try {
      port = server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      telemetry.close();
      parts.close();
      vertx.close();
      throw new IllegalStateException("agent-runtime failed to start on " + config.host() + ":" + config.port(), e);
    }
    LOG.info("agent-runtime listening on http://{}:{}", config.host(), port);
    return new Running(port, () -> {
      try {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("agent-runtime did not stop cleanly", e);
      }
      telemetry.shutdown().join(10, TimeUnit.SECONDS);
      parts.close();
      vertx.close();
    });
  }

  /**
   * The resource attributes of a runtime that exports to CloudWatch itself: {@value
   * CloudWatchExport#EXPORTED_ATTRIBUTE}{@code =true} (the receiver's forwarder then skips these
   * spans and records) and, with content logs on, {@code aws.log.group.names} = the log group, which
   * CloudWatch's GenAI Observability follows from a span to its content.
   */
  public static Attributes cloudWatchResource(CloudWatchExportConfig cloudWatch) {
    var b = Attributes.builder().put(CloudWatchExport.EXPORTED_ATTRIBUTE, true);
    if (cloudWatch.contentLogs()) {
      b.put(AttributeKey.stringArrayKey(CloudWatchExport.LOG_GROUP_NAMES), List.of(cloudWatch.logGroup()));
    }
    return b.build();
  }

  /**
   * The model for {@code config.modelId()} ({@link Models}): {@code scripted}, {@code
   * openai:<model>}, or a Bedrock model / inference profile id (optionally {@code bedrock:}-prefixed).
   *
   * @throws IllegalArgumentException naming the setting when invalid
   */
  public static Model createModel(RuntimeConfig config) {
    return Models.create(config.modelId(), config, bedrockCredentials(config));
  }

  /**
   * Credentials for Bedrock, resolved on first use: from the Secrets Manager secret {@code
   * BEDROCK_CREDENTIALS_SECRET} (read with the bootstrap credentials of the default chain) when
   * set, else the default chain (environment, profile, container).
   */
  static Supplier<AwsCredentialsProvider> bedrockCredentials(RuntimeConfig config) {
    String secret = config.bedrockCredentialsSecret();
    if (secret == null) {
      return () -> DefaultCredentialsProvider.builder().build();
    }
    return new Supplier<>() {
      private AwsCredentialsProvider fetched;

      @Override
      public synchronized AwsCredentialsProvider get() {
        if (fetched == null) {
          try (SecretsManagerClient client = secretsManager(config)) {
            fetched = SecretsManagerCredentials.fetch(client, secret);
          }
        }
        return fetched;
      }
    };
  }

  /**
   * The OpenAI-compatible key: {@code OPENAI_API_KEY}, or read once, on first use, from the Secrets
   * Manager secret {@code OPENAI_API_KEY_SECRET} (with the default-chain credentials) as a plain
   * string or the {@code OPENAI_API_KEY} field of a JSON secret.
   */
  static Supplier<String> openAiApiKey(RuntimeConfig config) {
    String secret = config.openAiApiKeySecret();
    if (secret == null) {
      return config::openAiApiKey;
    }
    return new Supplier<>() {
      private String fetched;

      @Override
      public synchronized String get() {
        if (fetched == null) {
          try (SecretsManagerClient client = secretsManager(config)) {
            fetched = SecretsManagerCredentials.apiKey(client, "OPENAI_API_KEY_SECRET", secret, "OPENAI_API_KEY");
          }
        }
        return fetched;
      }
    };
  }

  /**
   * Reads provider keys kept in Secrets Manager ({@code api_key_secret}, {@code
   * GEMINI_API_KEY_SECRET}) through {@code client}, each secret once.
   */
  static KeySecret.Lookup keySecrets(Supplier<SecretsManagerClient> client) {
    Map<String, String> keys = new ConcurrentHashMap<>();
    return secret -> keys.computeIfAbsent(secret.secretId() + "\n" + secret.field(), k -> {
      try (SecretsManagerClient c = client.get()) {
        return SecretsManagerCredentials.apiKey(c, secret.setting(), secret.secretId(), secret.field());
      }
    });
  }

  /** {@link #keySecrets(Supplier)} with the default-chain credentials in {@code AWS_REGION}. */
  static KeySecret.Lookup keySecrets(RuntimeConfig config) {
    return keySecrets(() -> secretsManager(config));
  }

  private static SecretsManagerClient secretsManager(RuntimeConfig config) {
    return SecretsManagerClient.builder()
        .region(Region.of(config.region()))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /**
   * Connects to one MCP server and registers its tools in {@code tools}, authenticating as its
   * spec says (SigV4: service {@code bedrock-agentcore}, region from the gateway URL or {@code
   * region}, default-chain credentials).
   *
   * @throws IllegalArgumentException when one of its tools collides with a registered one
   * @throws IllegalStateException when the server cannot be reached
   */
  static McpToolSource connectMcp(McpServerSpec server, String region, ToolRegistry tools) {
    McpAuth auth;
    switch (server.auth()) {
      case BEARER:
        auth = McpAuth.bearer(java.util.Objects.requireNonNull(server.token(), "token"));
        break;
      case SIGV4:
        auth = McpAuth.sigV4(new SigV4Signer(
            DefaultCredentialsProvider.builder().build(),
            GatewayUrls.region(server.url().toString(), region),
            SigV4Signer.AGENTCORE_SERVICE));
        break;
      default:
        auth = McpAuth.none();
    }
    return McpToolSource.connect(server, auth, McpToolSource.DEFAULT_TIMEOUT, tools);
  }

  /** The demo tools {@code calculate} and {@code echo} ({@code DEMO_TOOLS=true}; the demo uses them). */
  public static ToolRegistry demoTools() {
    return ToolRegistry.of(new CalculateTool(), new EchoTool());
  }

  /** A server with the demo tools and {@code model}; not started. */
  public static AgentRuntimeServer createDefault(
      Vertx vertx, RuntimeConfig config, OpenTelemetry openTelemetry, Model model) {
    return AgentRuntimeServer.create(vertx, config, openTelemetry, demoTools(), model);
  }
}
