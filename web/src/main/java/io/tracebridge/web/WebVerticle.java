package io.tracebridge.web;

import io.tracebridge.store.TraceReader;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web node: REST ({@code /api/traces/{id}}, {@code /health}), the websocket {@code /ws} and
 * the viewer page, on one HTTP port.
 *
 * <p>Deploy one instance per web node. It subscribes to {@link LiveRecordBus#ADDRESS} for live
 * records; queries go to the {@link TraceReader} and come back on this verticle's context.
 */
public final class WebVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  static final String WEBSOCKET_PATH = "/ws";

  private final WebConfig config;
  private final TraceReader reader;
  private volatile int actualPort = -1;
  private MessageConsumer<String> liveConsumer;

  public WebVerticle(WebConfig config, TraceReader reader) {
    this.config = config;
    this.reader = reader;
  }

  @Override
  public Future<?> start() {
    TraceRoutes traces = new TraceRoutes(reader, config.defaultTenant(), context);
    LiveSockets sockets = new LiveSockets(reader, config, context);

    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(java.util.Map.of("status", "UP")));
    router.get("/api/traces/:id").handler(traces::getTrace);
    router.get("/traces/:id").handler(ctx -> ctx.response().sendFile("webroot/trace.html"));
    router.route("/*").handler(StaticHandler.create("webroot"));

    liveConsumer =
        vertx.eventBus().<String>consumer(LiveRecordBus.ADDRESS, m -> sockets.onLive(m.body()));

    HttpServer server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
            .webSocketHandshakeHandler(
                handshake -> {
                  if (WEBSOCKET_PATH.equals(handshake.path())) {
                    handshake.accept();
                  } else {
                    handshake.reject(404);
                  }
                })
            .webSocketHandler(sockets::handle)
            .requestHandler(router);
    return liveConsumer
        .completion()
        .compose(v -> server.listen())
        .onSuccess(
            s -> {
              actualPort = s.actualPort();
              LOG.info("web listening on http://{}:{} (REST /api, websocket {}, viewer /)",
                  config.host(), actualPort, WEBSOCKET_PATH);
            });
  }

  @Override
  public Future<?> stop() {
    return liveConsumer == null ? Future.succeededFuture() : liveConsumer.unregister();
  }

  /** The bound port once started; -1 before. */
  public int actualPort() {
    return actualPort;
  }
}
