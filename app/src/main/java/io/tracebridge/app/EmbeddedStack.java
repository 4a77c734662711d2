package io.tracebridge.app;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.tracebridge.billing.PriceTable;
import io.tracebridge.cloudwatch.CloudWatchExport;
import io.tracebridge.cloudwatch.CloudWatchExportConfig;
import io.tracebridge.receiver.LogForwarder;
import io.tracebridge.receiver.SpanForwarder;
import io.tracebridge.store.ApiKeyAuthenticator;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.runtime.AgentRuntimeMain;
import io.tracebridge.runtime.AgentRuntimeServer;
import io.tracebridge.runtime.RuntimeConfig;
import io.tracebridge.runtime.RuntimeParts;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.telemetry.RuntimeTelemetry;
import io.tracebridge.runtime.telemetry.TraceCapture;
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.tracebridge.web.LiveRecordBus;
import io.tracebridge.web.MeteredTraceStore;
import io.tracebridge.web.WebConfig;
import io.tracebridge.web.WebMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tracebridge.receiver.ReceiverMetrics;
import io.tracebridge.web.WebVerticle;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every TraceBridge component in one JVM: DynamoDB Local (embedded, on disk or in memory), the
 * DynamoDB trace store, the OTLP receiver (gRPC and HTTP), the web node and the agent runtime,
 * whose spans and hook-event logs are exported over OTLP/gRPC to that receiver exactly as a remote
 * agent's would be.
 *
 * <p>Start with {@link #start(Options)}; {@link #close()} stops in reverse order (the runtime's
 * spans are flushed before the receiver stops). Used by {@code ./tracebridge up} and the
 * end-to-end tests (with port 0 everywhere).
 */
public final class EmbeddedStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
  /** DynamoDBEmbedded's flag: {@code true} turns its telemetry (calls to AWS) off. */
  private static final boolean TELEMETRY_OFF = true;
  static final String DATABASE_FILE = "tracebridge.db";

  /**
   * Where each component listens, where data lives, and what the embedded runtime runs. Immutable;
   * start from {@link #defaults()} or {@link #ephemeral()} and change with {@link #toBuilder()} or
   * the {@code with*} shortcuts.
   */
  public static final class Options {
    private final @Nullable Path dataDir;
    private final String host;
    private final int grpcPort;
    private final int httpPort;
    private final int webPort;
    private final int runtimePort;
    private final List<SpanProcessor> extraSpanProcessors;
    private final List<Tool> extraTools;
    private final @Nullable Model model;
    private final int maxIterations;
    private final @Nullable RuntimeConfig runtimeConfig;
    private final @Nullable Path apiKeysFile;
    private final @Nullable Path pricesFile;
    private final @Nullable CloudWatchExportConfig cloudWatch;
    private final @Nullable ReceiverConfig receiverLimits;
    private final @Nullable WebConfig webLimits;
    private final @Nullable TenantAuthenticator authenticator;

    private Options(Builder b) {
      dataDir = b.dataDir;
      host = Objects.requireNonNull(b.host, "host");
      grpcPort = b.grpcPort;
      httpPort = b.httpPort;
      webPort = b.webPort;
      runtimePort = b.runtimePort;
      extraSpanProcessors = List.copyOf(b.extraSpanProcessors);
      extraTools = List.copyOf(b.extraTools);
      model = b.model;
      maxIterations = b.maxIterations;
      runtimeConfig = b.runtimeConfig;
      apiKeysFile = b.apiKeysFile;
      pricesFile = b.pricesFile;
      cloudWatch = b.cloudWatch;
      receiverLimits = b.receiverLimits;
      webLimits = b.webLimits;
      authenticator = b.authenticator;
    }

    /** The defaults of {@code ./tracebridge up}: data under {@code .tracebridge/data}, standard ports. */
    public static Options defaults() {
      return new Builder().build();
    }

    /** In memory on free ports: for tests. */
    public static Options ephemeral() {
      return new Builder().dataDir(null).grpcPort(0).httpPort(0).webPort(0).runtimePort(0).build();
    }

    public Builder toBuilder() {
      Builder b = new Builder();
      b.dataDir = dataDir;
      b.host = host;
      b.grpcPort = grpcPort;
      b.httpPort = httpPort;
      b.webPort = webPort;
      b.runtimePort = runtimePort;
      b.extraSpanProcessors = extraSpanProcessors;
      b.extraTools = extraTools;
      b.model = model;
      b.maxIterations = maxIterations;
      b.runtimeConfig = runtimeConfig;
      b.apiKeysFile = apiKeysFile;
      b.pricesFile = pricesFile;
      b.cloudWatch = cloudWatch;
      b.receiverLimits = receiverLimits;
      b.webLimits = webLimits;
      b.authenticator = authenticator;
      return b;
    }

    /** The same options, with span processors added to the agent runtime's tracer (tests). */
    public Options withExtraSpanProcessors(List<SpanProcessor> processors) {
      return toBuilder().extraSpanProcessors(processors).build();
    }

    /** The same options, with tools registered in the agent runtime beside the built-in ones (tests). */
    public Options withExtraTools(List<Tool> tools) {
      return toBuilder().extraTools(tools).build();
    }

    /** The same options, with another model than the scripted one in the agent runtime (tests). */
    public Options withModel(Model runtimeModel) {
      return toBuilder().model(runtimeModel).build();
    }

    /** The same options, with the agent runtime's MAX_ITERATIONS (tests). */
    public Options withMaxIterations(int iterations) {
      return toBuilder().maxIterations(iterations).build();
    }

    public @Nullable Path dataDir() {
      return dataDir;
    }

    public String host() {
      return host;
    }

    public int grpcPort() {
      return grpcPort;
    }

    public int httpPort() {
      return httpPort;
    }

    public int webPort() {
      return webPort;
    }

    public int runtimePort() {
      return runtimePort;
    }

    public List<SpanProcessor> extraSpanProcessors() {
      return extraSpanProcessors;
    }

    public List<Tool> extraTools() {
      return extraTools;
    }

    public @Nullable Model model() {
      return model;
    }

    /** MAX_ITERATIONS over the runtime configuration's; 0: the configuration's. */
    public int maxIterations() {
      return maxIterations;
    }

    /**
     * The agent runtime's configuration (model, tools, limits: the runtime variables, as {@code
     * tracebridge runtime} reads them); null: the demo's, the scripted model and the demo tools.
     * Host and port are the stack's.
     */
    public @Nullable RuntimeConfig runtimeConfig() {
      return runtimeConfig;
    }

    public @Nullable Path apiKeysFile() {
      return apiKeysFile;
    }

    public @Nullable Path pricesFile() {
      return pricesFile;
    }

    public @Nullable CloudWatchExportConfig cloudWatch() {
      return cloudWatch;
    }

    /** The receiver's limits (host and ports come from these options); null: the defaults. */
    public @Nullable ReceiverConfig receiverLimits() {
      return receiverLimits;
    }

    /** The web node's limits (host, port and tenancy come from these options); null: the defaults. */
    public @Nullable WebConfig webLimits() {
      return webLimits;
    }

    /** Bearer keys → tenants; overrides {@link #apiKeysFile()}; null: that file or one tenant. */
    public @Nullable TenantAuthenticator authenticator() {
      return authenticator;
    }

    /** Builder with the defaults of {@code ./tracebridge up}. */
    public static final class Builder {
      private @Nullable Path dataDir = Path.of(".tracebridge", "data");
      private String host = "127.0.0.1";
      private int grpcPort = ReceiverConfig.DEFAULT_GRPC_PORT;
      private int httpPort = ReceiverConfig.DEFAULT_HTTP_PORT;
      private int webPort = WebConfig.DEFAULT_PORT;
      private int runtimePort = RuntimeConfig.DEFAULT_PORT;
      private List<SpanProcessor> extraSpanProcessors = List.of();
      private List<Tool> extraTools = List.of();
      private @Nullable Model model;
      private int maxIterations;
      private @Nullable RuntimeConfig runtimeConfig;
      private @Nullable Path apiKeysFile;
      private @Nullable Path pricesFile;
      private @Nullable CloudWatchExportConfig cloudWatch;
      private @Nullable ReceiverConfig receiverLimits;
      private @Nullable WebConfig webLimits;
      private @Nullable TenantAuthenticator authenticator;

      /** Where DynamoDB Local keeps its file; null keeps everything in memory. */
      public Builder dataDir(@Nullable Path dataDir) {
        this.dataDir = dataDir;
        return this;
      }

      public Builder host(String host) {
        this.host = host;
        return this;
      }

      public Builder grpcPort(int grpcPort) {
        this.grpcPort = grpcPort;
        return this;
      }

      public Builder httpPort(int httpPort) {
        this.httpPort = httpPort;
        return this;
      }

      public Builder webPort(int webPort) {
        this.webPort = webPort;
        return this;
      }

      public Builder runtimePort(int runtimePort) {
        this.runtimePort = runtimePort;
        return this;
      }

      public Builder extraSpanProcessors(List<SpanProcessor> extraSpanProcessors) {
        this.extraSpanProcessors = extraSpanProcessors;
        return this;
      }

      public Builder extraTools(List<Tool> extraTools) {
        this.extraTools = extraTools;
        return this;
      }

      public Builder model(@Nullable Model model) {
        this.model = model;
        return this;
      }

      public Builder maxIterations(int maxIterations) {
        this.maxIterations = maxIterations;
        return this;
      }

      public Builder runtimeConfig(@Nullable RuntimeConfig runtimeConfig) {
        this.runtimeConfig = runtimeConfig;
        return this;
      }

      /** A JSON file {@code {"keys":{"<key>":"<tenant>"}}}; null: one default tenant, no keys. */
      public Builder apiKeysFile(@Nullable Path apiKeysFile) {
        this.apiKeysFile = apiKeysFile;
        return this;
      }

      /** A price table overriding the bundled one; null: the bundled prices. */
      public Builder pricesFile(@Nullable Path pricesFile) {
        this.pricesFile = pricesFile;
        return this;
      }

      /** Forward every received span to CloudWatch when enabled; null: no forwarding. */
      public Builder cloudWatch(@Nullable CloudWatchExportConfig cloudWatch) {
        this.cloudWatch = cloudWatch;
        return this;
      }

      /**
       * Receiver limits (exports and bytes in flight, store latency target, request size, slow and
       * idle connection limits, retry advice); host and ports are ignored.
       */
      public Builder receiverLimits(@Nullable ReceiverConfig receiverLimits) {
        this.receiverLimits = receiverLimits;
        return this;
      }

      /**
       * Web limits and secrets (settle window, heartbeat, queue per client, subscription caps,
       * close time-out, cursor secret, metrics key); host, port, tenancy, prices ignored.
       */
      public Builder webLimits(@Nullable WebConfig webLimits) {
        this.webLimits = webLimits;
        return this;
      }

      /** Bearer keys → tenants, read by the caller (a file or Secrets Manager). */
      public Builder authenticator(@Nullable TenantAuthenticator authenticator) {
        this.authenticator = authenticator;
        return this;
      }

      public Options build() {
        return new Options(this);
      }
    }
  }

  private final Lifecycle lifecycle = new Lifecycle();
  private final String host;
  private TraceStore store;
  private int grpcPort;
  private int httpPort;
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
    lifecycle.add(dynamo::shutdown);

    // create() makes the table if it is missing and waits until it is active.
    DynamoDbTraceStore dynamoStore =
        DynamoDbTraceStore.create(dynamo.dynamoDbClient(), DynamoDbStoreConfig.builder().build());
    lifecycle.add(() -> dynamoStore.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS));
    // The process's one registry (JVM binders): the store, the web node, the receiver and the
    // CloudWatch export count into it; the web node shows it at /metrics.
    PrometheusMeterRegistry registry = SelfMetrics.create(lifecycle);
    WebMetrics metrics = new WebMetrics(registry);
    store = new MeteredTraceStore(dynamoStore, metrics);
    StoreMetrics.bind(dynamoStore, registry);

    // One JVM: the local event bus carries live records from the store to the web node. The
    // store's listeners: live records (handed to the publisher thread) and the stored count.
    Vertx vertx = Vertx.vertx();
    lifecycle.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
    dynamoStore.addListener(lifecycle.add(new LiveRecordBus(vertx.eventBus(), metrics)));
    dynamoStore.addListener(metrics.storedCounter());

    TenantAuthenticator authenticator =
        options.authenticator() != null
            ? options.authenticator()
            : options.apiKeysFile() == null
                ? TenantAuthenticator.singleTenant(WebConfig.DEFAULT_TENANT)
                : ApiKeyAuthenticator.fromFile(options.apiKeysFile());
    boolean keysRequired = options.authenticator() != null || options.apiKeysFile() != null;

    List<SpanForwarder> forwarders = new ArrayList<>();
    List<LogForwarder> logForwarders = new ArrayList<>();
    if (options.cloudWatch() != null && options.cloudWatch().enabled()) {
      CloudWatchExport cloudWatch = lifecycle.add(CloudWatchExport.create(options.cloudWatch()));
      forwarders.add(cloudWatch::forward);
      logForwarders.add(cloudWatch::forwardLogs);
      // The export's counters at /metrics (tracebridge_cloudwatch_*), beside the web node's.
      CloudWatchMetrics.bind(cloudWatch.stats(), metrics.registry());
      LOG.info("forwarding received spans and log records to CloudWatch: {}", options.cloudWatch());
    }

    ReceiverConfig receiverConfig =
        (options.receiverLimits() == null ? ReceiverConfig.builder() : options.receiverLimits().toBuilder())
            .host(options.host())
            .grpcPort(options.grpcPort())
            .httpPort(options.httpPort())
            .build();
    ReceiverNode receiver =
        ReceiverNode.start(vertx, store, dynamoStore, receiverConfig, authenticator, forwarders, logForwarders,
            new ReceiverMetrics(registry), lifecycle);
    grpcPort = receiver.grpcPort();
    httpPort = receiver.httpPort();

    WebConfig limits = options.webLimits() == null ? WebConfig.builder().build() : options.webLimits();
    WebVerticle web =
        new WebVerticle(
            WebConfig.builder()
                .host(options.host())
                .port(options.webPort())
                .settleWindow(limits.settleWindow())
                .heartbeatInterval(limits.heartbeatInterval())
                .maxPendingRecords(limits.maxPendingRecords())
                .maxSubscriptionsPerSocket(limits.maxSubscriptionsPerSocket())
                .maxSubscriptionsPerTenant(limits.maxSubscriptionsPerTenant())
                .maxFeedReads(limits.maxFeedReads())
                .closeTimeout(limits.closeTimeout())
                .cursorSecret(limits.cursorSecret())
                .metricsKey(limits.metricsKey())
                .authenticator(keysRequired ? authenticator : null)
                .prices(options.pricesFile() == null ? null : PriceTable.fromFile(options.pricesFile()))
                .build(),
            store,
            metrics);
    Lifecycle.await(vertx.deployVerticle(web), "the web node");
    webPort = web.actualPort();

    // The seed's in-memory capture: the nested /invocations reply's output.traces.
    TraceCapture capture = new TraceCapture();
    List<SpanProcessor> processors = new ArrayList<>(options.extraSpanProcessors());
    processors.add(capture);
    OpenTelemetrySdk telemetry =
        RuntimeTelemetry.create(
            Map.of("otel.exporter.otlp.endpoint", "http://" + options.host() + ":" + grpcPort),
            processors);
    lifecycle.add(telemetry::close);
    // The runtime variables mean what they mean under `tracebridge runtime` (RuntimeParts).
    RuntimeConfig configured =
        options.runtimeConfig() == null ? RuntimeConfig.builder().demoTools(true).build() : options.runtimeConfig();
    RuntimeConfig runtimeConfig = configured.toBuilder()
        .host(options.host())
        .port(options.runtimePort())
        .maxIterations(options.maxIterations() == 0 ? configured.maxIterations() : options.maxIterations())
        .build();
    RuntimeParts parts = RuntimeParts.of(runtimeConfig);
    lifecycle.add(parts::close);
    ToolRegistry tools = parts.tools();
    options.extraTools().forEach(tools::register);
    AgentRuntimeServer runtime =
        AgentRuntimeServer.create(
            vertx,
            runtimeConfig,
            telemetry,
            tools,
            options.model() == null ? parts.model() : options.model(),
            parts.models())
        .withTraceCapture(capture);
    runtimePort = Lifecycle.await(runtime.start(), "the agent runtime");
    lifecycle.add(() -> runtime.close().await(10, TimeUnit.SECONDS));
  }

  public TraceStore store() {
    return store;
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int httpPort() {
    return httpPort;
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
    lifecycle.close();
  }
}
