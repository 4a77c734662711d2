package io.tracebridge.app;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.receiver.grpc.OtlpGrpcReceiver;
import io.tracebridge.runtime.AgentRuntimeMain;
import io.tracebridge.runtime.AgentRuntimeServer;
import io.tracebridge.runtime.RuntimeConfig;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.telemetry.RuntimeTelemetry;
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.tracebridge.web.LiveRecordBus;
import io.tracebridge.web.WebConfig;
import io.tracebridge.web.WebVerticle;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every TraceBridge component in one JVM: DynamoDB Local (embedded, on disk or in memory), the
 * DynamoDB trace store, the OTLP/gRPC receiver, the web node and the agent runtime, whose spans
 * are exported over OTLP/gRPC to that receiver exactly as a remote agent's would be.
 *
 * <p>Start with {@link #start(Options)}; {@link #close()} stops in reverse order (the runtime's
 * spans are flushed before the receiver stops). Used by {@code ./tracebridge up} and the
 * end-to-end tests (with port 0 everywhere).
 */
public final class EmbeddedStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
  /** DynamoDBEmbedded's flag: {@code true} turns its telemetry (calls to AWS) off. */
  private static final boolean TELEMETRY_OFF = true;
  private static final String DATABASE_FILE = "tracebridge.db";

  /** Where each component listens, and where data lives. */
  public record Options(
      @Nullable Path dataDir,
      String host,
      int grpcPort,
      int webPort,
      int runtimePort,
      List<SpanProcessor> extraSpanProcessors,
      List<Tool> extraTools,
      @Nullable Model model,
      int maxIterations) {
    public Options {
      extraSpanProcessors = List.copyOf(extraSpanProcessors);
      extraTools = List.copyOf(extraTools);
    }

    /** Options with the built-in runtime set-up (scripted model, default tools and limits). */
    public Options(
        @Nullable Path dataDir,
        String host,
        int grpcPort,
        int webPort,
        int runtimePort,
        List<SpanProcessor> extraSpanProcessors) {
      this(dataDir, host, grpcPort, webPort, runtimePort, extraSpanProcessors, List.of(), null,
          RuntimeConfig.DEFAULT_MAX_ITERATIONS);
    }

    /** The same options, with tools registered in the agent runtime beside the built-in ones (tests). */
    public Options withExtraTools(List<Tool> tools) {
      return new Options(dataDir, host, grpcPort, webPort, runtimePort, extraSpanProcessors, tools, model, maxIterations);
    }

    /** The same options, with another model than the scripted one in the agent runtime (tests). */
    public Options withModel(Model runtimeModel) {
      return new Options(dataDir, host, grpcPort, webPort, runtimePort, extraSpanProcessors, extraTools, runtimeModel,
          maxIterations);
    }

    /** The same options, with the agent runtime's MAX_ITERATIONS (tests). */
    public Options withMaxIterations(int iterations) {
      return new Options(dataDir, host, grpcPort, webPort, runtimePort, extraSpanProcessors, extraTools, model, iterations);
    }

    /** The defaults of {@code ./tracebridge up}: data under {@code .tracebridge/data}. */
    public static Options defaults() {
      return new Options(Path.of(".tracebridge", "data"), "127.0.0.1", 4317, 8090, 8080, List.of());
    }

    /** In memory on free ports: for tests. */
    public static Options ephemeral() {
      return new Options(null, "127.0.0.1", 0, 0, 0, List.of());
    }

    /** The same options, with span processors added to the agent runtime's tracer (tests). */
    public Options withExtraSpanProcessors(List<SpanProcessor> processors) {
      return new Options(dataDir, host, grpcPort, webPort, runtimePort, processors, extraTools, model, maxIterations);
    }
  }

  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final String host;
  private TraceStore store;
  private int grpcPort;
  private int webPort;
  private int runtimePort;

  private EmbeddedStack(String host) {
    this.host = host;
  }

  /** Starts everything or, if a component fails to start, stops what started and rethrows. */
  public static EmbeddedStack start(Options options) {
    EmbeddedStack stack = new EmbeddedStack(options.host());
    try {
      stack.startAll(options);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Options options) {
    AmazonDynamoDBLocal dynamo;
    if (options.dataDir() == null) {
      dynamo = DynamoDBEmbedded.create(TELEMETRY_OFF);
      LOG.info("DynamoDB Local (embedded) in memory");
    } else {
      File dir = options.dataDir().toAbsolutePath().toFile();
      if (!dir.isDirectory() && !dir.mkdirs()) {
        throw new IllegalStateException("cannot create data directory " + dir);
      }
      // DynamoDBEmbedded takes the SQLite database file, not a directory.
      File database = new File(dir, DATABASE_FILE);
      dynamo = DynamoDBEmbedded.create(database, TELEMETRY_OFF);
      LOG.info("DynamoDB Local (embedded) storing in {}", database);
    }
    toClose.push(dynamo::shutdown);

    // create() makes the table if it is missing and waits until it is active.
    DynamoDbTraceStore dynamoStore =
        DynamoDbTraceStore.create(dynamo.dynamoDbClient(), DynamoDbStoreConfig.builder().build());
    toClose.push(() -> dynamoStore.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS));
    store = dynamoStore;

    Vertx vertx = Vertx.vertx();
    toClose.push(() -> vertx.close().await(10, TimeUnit.SECONDS));

    TraceExportHandler handler =
        new TraceExportHandler(new SpanMapper(), store, new LiveRecordBus(vertx.eventBus()));
    OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.start(
            ReceiverConfig.builder().host(options.host()).grpcPort(options.grpcPort()).build(),
            handler);
    toClose.push(receiver);
    grpcPort = receiver.port();

    WebVerticle web =
        new WebVerticle(WebConfig.builder().host(options.host()).port(options.webPort()).build(), store);
    await(vertx.deployVerticle(web));
    webPort = web.actualPort();

    OpenTelemetrySdk telemetry =
        RuntimeTelemetry.create(
            Map.of("otel.exporter.otlp.endpoint", "http://" + options.host() + ":" + grpcPort),
            options.extraSpanProcessors());
    toClose.push(telemetry::close);
    ToolRegistry tools = AgentRuntimeMain.defaultTools();
    options.extraTools().forEach(tools::register);
    AgentRuntimeServer runtime =
        AgentRuntimeServer.create(
            vertx,
            RuntimeConfig.builder().port(options.runtimePort()).maxIterations(options.maxIterations()).build(),
            telemetry,
            tools,
            options.model() == null ? new ScriptedModel() : options.model());
    runtimePort = await(runtime.start());
    toClose.push(() -> runtime.close().await(10, TimeUnit.SECONDS));
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("a component did not start within 30 s", e);
    }
  }

  public TraceStore store() {
    return store;
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int webPort() {
    return webPort;
  }

  public int runtimePort() {
    return runtimePort;
  }

  public String webBaseUrl() {
    return "http://" + host + ":" + webPort;
  }

  public String runtimeBaseUrl() {
    return "http://" + host + ":" + runtimePort;
  }

  /** The viewer page of one trace. */
  public String traceUrl(String traceId) {
    return webBaseUrl() + "/traces/" + traceId;
  }

  /** Stops every started component, last started first; logs and goes on past failures. */
  @Override
  public void close() {
    while (!toClose.isEmpty()) {
      try {
        toClose.pop().close();
      } catch (Exception e) {
        LOG.warn("error while stopping a component", e);
      }
    }
  }
}
