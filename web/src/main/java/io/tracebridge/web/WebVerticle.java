package io.tracebridge.web;

import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.TraceReader;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.tracebridge.http.GuardLimits;
import io.tracebridge.http.HttpGuard;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web node: REST ({@code /api/traces/{id}}, {@code /api/traces}, {@code /api/sessions/{id}},
 * {@code /api/agents/{id}}, {@code /api/usage}, {@code /api/usage.csv}), its description ({@code
 * /api/openapi.json} and {@code /api/websocket.schema.json}, {@link ApiDescription}), {@code
 * /metrics}, the websocket {@code /ws} and the viewer page, on one HTTP port; {@code /health} and
 * {@code /health/ready} (the table's state) and {@code /health/live} for load balancers ({@link
 * HealthRoutes}).
 *
 * <p>Deploy one instance per web node. It subscribes to {@link LiveRecordBus#ADDRESS} for live
 * records; queries go to the {@link TraceReader} and come back on this verticle's context. {@code
 * /api} and {@code /ws} need a bearer key when {@link WebConfig#authenticator()} has keys;
 * {@code /health}, the API description and the viewer's static files do not; {@code /metrics}
 * has its own rule ({@link WebConfig#metricsKey()}). Every answer carries {@link SecurityHeaders}; every failure
 * is answered ({@link HttpErrors}).
 */
public final class WebVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  static final String WEBSOCKET_PATH = "/ws";
  /** Client messages are subscribe and unsubscribe ops: a few hundred bytes. */
  static final int MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

  private final Clock clock;
  private final WebConfig config;
  private final TraceReader reader;
  private final WebMetrics metrics;
  private final Readiness readiness;
  private final CursorSeal cursors;
  private volatile int actualPort = -1;
  private volatile Router router;
  private MessageConsumer<String> liveConsumer;
  private long heartbeatTimer = -1;

  public WebVerticle(WebConfig config, TraceReader reader) {
    this(config, reader, new WebMetrics());
  }

  /** With the metrics {@code /metrics} shows (share them with a {@link MeteredTraceStore}). */
  public WebVerticle(WebConfig config, TraceReader reader, WebMetrics metrics) {
    this(config, reader, metrics, Readiness.ALWAYS);
  }

  /** With what {@code /health/ready} checks (the table reachable, the cluster joined). */
  public WebVerticle(WebConfig config, TraceReader reader, WebMetrics metrics, Readiness readiness) {
    this(config, reader, metrics, readiness, Clock.systemUTC());
  }

  /**
   * With the clock that decides time-dependent answers: the default day range of {@code
   * /api/usage} and {@code /api/agents/{id}}, where a live subscription's catch-up starts, and the
   * heartbeat's {@code time}.
   */
  public WebVerticle(WebConfig config, TraceReader reader, WebMetrics metrics, Readiness readiness, Clock clock) {
    this.clock = clock;
    this.config = config;
    this.reader = reader;
    this.metrics = metrics;
    this.readiness = readiness;
    if (config.cursorSecret() != null) {
      this.cursors = CursorSeal.fromSecret(config.cursorSecret());
    } else {
      this.cursors = CursorSeal.random();
      LOG.warn("no cursor secret set: cursors are sealed with a random key, so only this web node, until it"
          + " restarts, accepts them; give every web node the same --cursor-secret (TRACEBRIDGE_CURSOR_SECRET)"
          + " so clients can resume on any of them");
    }
  }

  @Override
  public Future<?> start() {
    TraceRoutes traces =
        new TraceRoutes(reader, config.authenticator(), config.prices(), context, clock, cursors);
    LiveSockets sockets = new LiveSockets(reader, config, context, metrics, clock, cursors);

    Router router = Router.router(vertx);
    router.route().handler(SecurityHeaders::add);
    router.route().failureHandler(HttpErrors::routerFailure);
    router.errorHandler(404, HttpErrors::routerFailure); // no route took it
    router.errorHandler(405, HttpErrors::routerFailure); // a route took the path, not the method
    HealthRoutes.install(router, readiness);
    ApiDescription.install(router); // before /api's authentication: the description is public
    // With WebConfig#metricsKey only for that bearer key; without one, open only with no tenants' keys.
    router.get("/metrics").handler(
        MetricsRoute.handler(metrics::scrape, config.metricsKey(), config.metricsOpen()));
    router.get(WEBSOCKET_PATH).handler(ctx -> upgrade(ctx, sockets));
    router.route("/api/*").handler(traces::authenticate);
    router.get("/api/traces").handler(traces::listTraces);
    router.get("/api/traces/:id").handler(traces::getTrace);
    router.get("/api/sessions/:id").handler(traces::session);
    router.get("/api/agents/:id").handler(traces::agent);
    router.get("/api/usage").handler(traces::usage);
    router.get("/api/usage.csv").handler(traces::usage);
    router.get("/traces/:id").handler(ctx -> ctx.response().sendFile("webroot/trace.html"));
    router.get("/sessions/:id").handler(ctx -> ctx.response().sendFile("webroot/trace.html"));
    router.get("/agents/:id").handler(ctx -> ctx.response().sendFile("webroot/agent.html"));
    router.get("/favicon.ico").handler(ctx -> ctx.response().putHeader("content-type", "image/svg+xml")
        .sendFile("webroot/favicon.svg"));
    router.route("/*").handler(StaticHandler.create("webroot"));
    this.router = router;

    liveConsumer =
        vertx.eventBus().<String>consumer(LiveRecordBus.ADDRESS, m -> sockets.onLive(m.body()));
    heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> sockets.heartbeat());

    GuardLimits limits = connectionLimits();
    HttpServer server = vertx
        .createHttpServer(HttpGuard.configure(new HttpServerOptions().setHost(config.host()).setPort(config.port())
            .setWebSocketSubProtocols(List.of(WebSocketAuth.PROTOCOL))
            .setMaxWebSocketMessageSize(MAX_CLIENT_MESSAGE_BYTES)
            .setWebSocketClosingTimeout(closingTimeoutSeconds()), limits))
        .requestHandler(router);
    HttpGuard.protect(server, limits);
    return liveConsumer
        .completion()
        .compose(v -> server.listen())
        .onSuccess(
            s -> {
              actualPort = s.actualPort();
              LOG.info("web listening on http://{}:{} (REST /api, websocket {}, viewer /, /metrics); {}",
                  config.host(), actualPort, WEBSOCKET_PATH, config);
            });
  }

  /** {@link WebConfig#connectionLimits()}, the idle time-out at least two heartbeats. */
  private GuardLimits connectionLimits() {
    GuardLimits l = config.connectionLimits();
    Duration twoHeartbeats = config.heartbeatInterval().multipliedBy(2);
    return l.idleTimeout().compareTo(twoHeartbeats) >= 0 ? l : l.withIdleTimeout(twoHeartbeats);
  }

  /**
   * {@code /ws}: authenticated before the upgrade (401 otherwise) by the {@code Authorization}
   * header or the bearer subprotocol ({@link WebSocketAuth}); never by a URL parameter.
   */
  private void upgrade(RoutingContext ctx, LiveSockets sockets) {
    String tenant;
    try {
      tenant = config.authenticator().authenticate(WebSocketAuth.authorization(ctx.request().headers()));
    } catch (AuthenticationException e) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"tracebridge\"");
      HttpErrors.send(ctx, 401, e.getMessage());
      return;
    }
    String upgradeTo = ctx.request().getHeader("Upgrade");
    if (upgradeTo == null || !upgradeTo.toLowerCase(java.util.Locale.ROOT).contains("websocket")) {
      // Vert.x would answer a bare 400 itself; answer with the JSON error every failure gets.
      HttpErrors.send(ctx, 400, "GET " + WEBSOCKET_PATH + " needs a websocket upgrade");
      return;
    }
    HttpConnection connection = ctx.request().connection();
    ctx.request().toWebSocket()
        .onSuccess(ws -> sockets.handle(ws, tenant, () -> drop(connection)))
        .onFailure(e -> HttpErrors.send(ctx, 400, "GET " + WEBSOCKET_PATH + " needs a websocket upgrade"));
  }

  /**
   * Closes the TCP connection at once. {@link HttpConnection#close()} first writes out what is
   * queued, which never happens for a client that stopped reading; the connection's Netty
   * channel (Vert.x's own connection class, the one that exposes it) closes without waiting.
   */
  private static void drop(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      base.channel().close();
    } else {
      connection.close();
    }
  }

  /**
   * Vert.x's own close time-out, whole seconds, starts only once the close frame is flushed;
   * {@link LiveSockets} drops connections that never get that far after {@link
   * WebConfig#closeTimeout()}.
   */
  private int closingTimeoutSeconds() {
    return (int) Math.max(1, (config.closeTimeout().toMillis() + 999) / 1000);
  }

  @Override
  public Future<?> stop() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    return liveConsumer == null ? Future.succeededFuture() : liveConsumer.unregister();
  }

  /** The bound port once started; -1 before. */
  public int actualPort() {
    return actualPort;
  }

  /** The router once started (the API description's test compares its routes to the document); null before. */
  Router router() {
    return router;
  }

  /** The metrics this node shows at {@code /metrics}. */
  public WebMetrics metrics() {
    return metrics;
  }
}
