package io.tracebridge.app;

import io.tracebridge.app.config.RoleOptions;
import io.tracebridge.billing.PriceTable;
import io.tracebridge.cloudwatch.CloudWatchExport;
import io.tracebridge.cloudwatch.CloudWatchExportConfig;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.LogForwarder;
import io.tracebridge.receiver.SpanForwarder;
import io.tracebridge.runtime.AgentRuntimeMain;
import io.tracebridge.runtime.RuntimeConfig;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tracebridge.receiver.ReceiverMetrics;
import io.tracebridge.store.TraceStore;
import io.tracebridge.web.HealthRoutes;
import io.tracebridge.web.MeteredTraceStore;
import io.tracebridge.web.MetricsRoute;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.tracebridge.web.LiveRecordBus;
import io.tracebridge.web.Readiness;
import io.tracebridge.web.WebConfig;
import io.tracebridge.web.WebMetrics;
import io.tracebridge.web.WebVerticle;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The production roles, each a separate, stateless process over one DynamoDB table: {@code
 * receiver}, {@code web} and {@code runtime}. Any number of receivers and web nodes run behind
 * load balancers; live records go from every receiver to every web node on the clustered event
 * bus ({@link ClusteredVertx}), published only after their write is durable.
 */
final class Roles {
  private Roles() {}

  @Command(
      name = "receiver",
      mixinStandardHelpOptions = true,
      description = "Run an OTLP receiver node (gRPC and HTTP) over the DynamoDB table, publishing live records to the cluster.")
  static final class Receiver implements Callable<Integer> {
    @Mixin RoleOptions.Common common;
    @Mixin RoleOptions.Store store;
    @Mixin RoleOptions.Cluster cluster;
    @Mixin RoleOptions.Receiver receiver;
    @Mixin RoleOptions.Health health;
    @Mixin RoleOptions.Tenancy tenancy;

    @Override
    public Integer call() throws Exception {
      ReceiverConfig receiverConfig = receiver.toConfig(common.host);
      DynamoDbStoreConfig storeConfig = store.toConfig();
      health.validate();
      cluster.validate();
      tenancy.validate();
      TenantAuthenticator authenticator = Tenants.authenticator(tenancy);
      CloudWatchExportConfig cloudWatch = CloudWatchExportConfig.fromEnvironment(System.getenv());

      Lifecycle lifecycle = new Lifecycle();
      return runUntilStopped(lifecycle, () -> {
        // The process's one registry (JVM binders), served at the health port's /metrics.
        PrometheusMeterRegistry registry = SelfMetrics.create(lifecycle);
        // The cluster first: it is closed last, after the store stopped publishing to it.
        ClusterMembership membership = ClusterMembership.join(storeConfig.tableName(), common.host, cluster, lifecycle);
        WebMetrics storeMetrics = new WebMetrics(registry);
        // Before the store, so that it is closed after it: what the store writes while it stops
        // is still published.
        LiveRecordBus live = lifecycle.add(new LiveRecordBus(membership.vertx().eventBus(), storeMetrics));
        DynamoDbClient client = StoreAccess.client(storeConfig.writeThreads());
        DynamoDbTraceStore traceStore = StoreAccess.open(client, storeConfig, lifecycle);
        // The store's listeners: live records (handed to the publisher thread) and the count of
        // record versions stored.
        traceStore.addListener(live);
        traceStore.addListener(storeMetrics.storedCounter());
        StoreMetrics.bind(traceStore, registry);
        TraceStore metered = new MeteredTraceStore(traceStore, storeMetrics);
        List<SpanForwarder> forwarders = new ArrayList<>();
        List<LogForwarder> logForwarders = new ArrayList<>();
        if (cloudWatch.enabled()) {
          CloudWatchExport export = lifecycle.add(CloudWatchExport.create(cloudWatch));
          forwarders.add(export::forward);
          logForwarders.add(export::forwardLogs);
          CloudWatchMetrics.bind(export.stats(), registry);
        }
        ReceiverNode node = ReceiverNode.start(membership.vertx(), metered, traceStore, receiverConfig,
            authenticator, forwarders, logForwarders, new ReceiverMetrics(registry), lifecycle);
        Readiness ready = StoreAccess.tableProbe(membership.vertx(), client, storeConfig.tableName())
            .and(membership.readiness());
        int healthPort = startHealthServer(membership.vertx(), common.host, health.port, ready,
            MetricsRoute.handler(registry::scrape, health.metricsKey, !tenancy.enabled()), lifecycle);
        System.out.printf("receiver: OTLP/gRPC %s:%d%n", common.host, node.grpcPort());
        System.out.printf("receiver: OTLP/HTTP http://%s:%d%n", common.host, node.httpPort());
        System.out.printf("receiver: health http://%s:%d/health/ready, metrics /metrics%n", common.host, healthPort);
        System.out.printf("receiver: table %s, cluster of %d node(s)%n", storeConfig.tableName(), membership.size());
      });
    }
  }

  @Command(
      name = "web",
      mixinStandardHelpOptions = true,
      description = "Run a web node (REST, websocket, viewer) over the DynamoDB table, with live records from the cluster.")
  static final class Web implements Callable<Integer> {
    @Mixin RoleOptions.Common common;
    @Mixin RoleOptions.Store store;
    @Mixin RoleOptions.Cluster cluster;
    @Mixin RoleOptions.Web web;
    @Mixin RoleOptions.Tenancy tenancy;

    @Override
    public Integer call() throws Exception {
      WebConfig.Builder webConfig = web.toConfig(common.host);
      // Read-only (README, "Production"): the receivers count what a crash left uncounted.
      DynamoDbStoreConfig storeConfig = store.toConfig().toBuilder().repairUsage(false).build();
      cluster.validate();
      tenancy.validate();
      TenantAuthenticator authenticator = Tenants.authenticator(tenancy);
      webConfig.authenticator(Tenants.forWeb(tenancy, authenticator));
      if (web.prices != null) {
        webConfig.prices(PriceTable.fromFile(web.prices));
      }

      Lifecycle lifecycle = new Lifecycle();
      return runUntilStopped(lifecycle, () -> {
        ClusterMembership membership = ClusterMembership.join(storeConfig.tableName(), common.host, cluster, lifecycle);
        DynamoDbClient client = StoreAccess.client(storeConfig.writeThreads());
        DynamoDbTraceStore traceStore = StoreAccess.open(client, storeConfig, lifecycle);
        Readiness ready = StoreAccess.tableProbe(membership.vertx(), client, storeConfig.tableName())
            .and(membership.readiness());
        // The process's one registry (JVM binders, store latency, websockets) at the web port's /metrics.
        WebMetrics metrics = new WebMetrics(SelfMetrics.create(lifecycle));
        StoreMetrics.bind(traceStore, metrics.registry());
        WebVerticle verticle = new WebVerticle(
            webConfig.build(), new MeteredTraceStore(traceStore, metrics), metrics, ready);
        Lifecycle.await(membership.vertx().deployVerticle(verticle), "the web node");
        System.out.printf("web: http://%s:%d  (REST /api, websocket /ws, viewer /, /health/ready)%n",
            common.host, verticle.actualPort());
        System.out.printf("web: table %s, cluster of %d node(s)%n", storeConfig.tableName(), membership.size());
      });
    }
  }

  @Command(
      name = "runtime",
      mixinStandardHelpOptions = true,
      description = "Run the agent runtime (AgentCore protocol), exporting its spans over OTLP/gRPC "
          + "(and to CloudWatch when TRACEBRIDGE_CLOUDWATCH_* says so). Model, tools and limits "
          + "come from the runtime's own variables (PORT, MODEL_ID, MAX_TOKENS, ...: agent-runtime/README.md).")
  static final class Runtime implements Callable<Integer> {
    @Mixin RoleOptions.Common common;

    @Option(names = "--runtime-port", defaultValue = "" + RuntimeConfig.DEFAULT_PORT,
        description = "AgentCore protocol port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--otlp-endpoint", defaultValue = "http://127.0.0.1:4317",
        description = "OTLP/gRPC endpoint the runtime's spans and hook-event logs go to (default: ${DEFAULT-VALUE}).")
    String otlpEndpoint;

    @Option(names = "--metrics-port", defaultValue = "-1",
        description = "Port of GET /metrics (JVM metrics, Prometheus text), apart from the AgentCore port; -1: none (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--metrics-key", paramLabel = "KEY",
        description = "Bearer key GET /metrics asks for. Unset: /metrics is open.")
    @javax.annotation.Nullable
    String metricsKey;

    @Override
    public Integer call() throws Exception {
      common.require(port >= 0 && port <= 65_535, "--runtime-port", "must be 0..65535, was " + port);
      common.require(metricsPort >= -1 && metricsPort <= 65_535, "--metrics-port", "must be -1..65535, was " + metricsPort);
      common.require(metricsKey == null || !metricsKey.isBlank(), "--metrics-key", "must not be blank");
      common.require(otlpEndpoint.startsWith("http://") || otlpEndpoint.startsWith("https://"),
          "--otlp-endpoint", "must be an http:// or https:// URL, was " + otlpEndpoint);
      RuntimeConfig config = RuntimeConfig.fromEnvironment(System.getenv()).toBuilder()
          .host(common.host).port(port).build();
      Lifecycle lifecycle = new Lifecycle();
      return runUntilStopped(lifecycle, () -> {
        AgentRuntimeMain.Running running = lifecycle.add(AgentRuntimeMain.start(
            config, System.getenv(), Map.of("otel.exporter.otlp.endpoint", otlpEndpoint)));
        System.out.printf("runtime: http://%s:%d  (GET /ping, POST /invocations), spans to %s%n",
            common.host, running.port(), otlpEndpoint);
        if (metricsPort >= 0) {
          // The AgentCore port serves the protocol only: the registry gets a port of its own.
          PrometheusMeterRegistry registry = SelfMetrics.create(lifecycle);
          Vertx vertx = Vertx.vertx();
          lifecycle.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
          int bound = startHealthServer(vertx, common.host, metricsPort, Readiness.ALWAYS,
              MetricsRoute.handler(registry::scrape, metricsKey, true), lifecycle);
          System.out.printf("runtime: metrics http://%s:%d/metrics%n", common.host, bound);
        }
      });
    }
  }

  /** A step of start-up that may throw. */
  interface StartUp {
    void run() throws Exception;
  }

  /**
   * Starts the role, then waits until the process is told to stop (SIGTERM, Ctrl-C) and stops
   * it in reverse order. A failure to start stops what did start and fails the command.
   */
  static int runUntilStopped(Lifecycle lifecycle, StartUp startUp) throws Exception {
    try {
      startUp.run();
    } catch (Exception | Error e) {
      lifecycle.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      lifecycle.close();
      stopped.countDown();
    }, "tracebridge-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * The receiver's own health port: liveness and readiness, as the OTel Collector serves them,
   * and {@code GET /metrics} ({@code metrics}: {@link MetricsRoute}).
   */
  static int startHealthServer(Vertx vertx, String host, int port,
      Readiness readiness, Handler<RoutingContext> metrics, Lifecycle lifecycle) {
    Router router = Router.router(vertx);
    HealthRoutes.install(router, readiness);
    router.get("/metrics").handler(metrics);
    HttpServer server = Lifecycle.await(
        vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
            .requestHandler(router).listen(),
        "the health server");
    lifecycle.add(() -> server.close().await(5, TimeUnit.SECONDS));
    return server.actualPort();
  }
}
