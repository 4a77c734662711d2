package io.tracebridge.web;

import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.TraceReader;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web node: REST ({@code /api/traces/{id}}, {@code /api/traces}, {@code /api/usage}, {@code
 * /api/usage.csv}), {@code /health}, {@code /metrics}, the websocket {@code /ws} and the viewer
 * page, on one HTTP port; {@code /health/live} and {@code /health/ready} for load balancers
 * ({@link HealthRoutes}).
 *
 * <p>Deploy one instance per web node. It subscribes to {@link LiveRecordBus#ADDRESS} for live
 * records; queries go to the {@link TraceReader} and come back on this verticle's context. {@code
 * /api} and {@code /ws} need a bearer key when {@link WebConfig#authenticator()} has keys;
 * {@code /health}, {@code /metrics} and the viewer's static files do not.
 */
public final class WebVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  static final String WEBSOCKET_PATH = "/ws";

  private final WebConfig config;
  private final TraceReader reader;
  private final WebMetrics metrics;
  private final Readiness readiness;
  private volatile int actualPort = -1;
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
    this.config = config;
    this.reader = reader;
    this.metrics = metrics;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    Clock clock = Clock.systemUTC();
    TraceRoutes traces = new TraceRoutes(reader, config.authenticator(), config.prices(), context, clock);
    LiveSockets sockets = new LiveSockets(reader, config, context, metrics, clock);

    Router router = Router.router(vertx);
    HealthRoutes.install(router, readiness);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));
    router.route("/api/*").handler(traces::authenticate);
    router.get("/api/traces").handler(traces::listTraces);
    router.get("/api/traces/:id").handler(traces::getTrace);
    router.get("/api/usage").handler(traces::usage);
    router.get("/api/usage.csv").handler(traces::usage);
    router.get("/traces/:id").handler(ctx -> ctx.response().sendFile("webroot/trace.html"));
    router.get("/sessions/:id").handler(ctx -> ctx.response().sendFile("webroot/trace.html"));
    router.get("/agents/:id").handler(ctx -> ctx.response().sendFile("webroot/trace.html"));
    router.route("/*").handler(StaticHandler.create("webroot"));

    liveConsumer =
        vertx.eventBus().<String>consumer(LiveRecordBus.ADDRESS, m -> sockets.onLive(m.body()));
    heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> sockets.heartbeat());

    HttpServer server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
            .webSocketHandshakeHandler(
                handshake -> {
                  if (!WEBSOCKET_PATH.equals(handshake.path())) {
                    handshake.reject(404);
                    return;
                  }
                  try {
                    TraceRoutes.authenticate(config.authenticator(),
                        handshake.headers().get("Authorization"), accessToken(handshake.query()));
                    handshake.accept();
                  } catch (AuthenticationException e) {
                    handshake.reject(401);
                  }
                })
            .webSocketHandler(ws -> {
              try {
                sockets.handle(ws, TraceRoutes.authenticate(
                    config.authenticator(), ws.headers().get("Authorization"), accessToken(ws.query())));
              } catch (AuthenticationException e) {
                ws.close((short) 1008, "unauthenticated");
              }
            })
            .requestHandler(router);
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

  private static String accessToken(String query) {
    if (query == null) {
      return null;
    }
    for (String part : query.split("&")) {
      if (part.startsWith("access_token=")) {
        return java.net.URLDecoder.decode(part.substring("access_token=".length()),
            java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
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

  /** The metrics this node shows at {@code /metrics}. */
  public WebMetrics metrics() {
    return metrics;
  }
}
