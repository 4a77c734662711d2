package io.tracebridge.http;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * Applies {@link GuardLimits} to a Vert.x HTTP server, in two calls:
 *
 * <pre>{@code
 * HttpServer server = vertx.createHttpServer(HttpGuard.configure(options, limits));
 * HttpGuard.protect(server, limits);
 * }</pre>
 *
 * <p>{@link #configure} sets what Vert.x enforces itself: the idle limit and the header size, and
 * turns cleartext HTTP/2 off (the guarded servers speak HTTP/1.1; h2c would bypass the framing
 * checks). {@link #protect} puts a {@link RequestFramingGuard} in front of Netty's HTTP decoder
 * on every connection; it reads the raw bytes of each request as they arrive, because what it
 * refuses (folded header lines, a second {@code Host}, {@code Transfer-Encoding: xchunked}) is
 * no longer visible once the decoder has built the request, and because the time-outs and the
 * minimum rate are about bytes arriving, not about requests. What it refuses it answers itself
 * (400, 408, 431, {@code Connection: close}) and closes the connection; the request never reaches
 * the server's handler.
 *
 * <p>Reaching the connection's Netty pipeline uses Vert.x's {@code ConnectionBase}, which is not
 * a supported API; {@link #attach} fails loudly if a Vert.x upgrade changes it, and the guard's
 * tests pin the behaviour.
 */
public final class HttpGuard {
  /** Vert.x's name for the HTTP/1.x request decoder in a connection's pipeline. */
  static final String HTTP_DECODER = "httpDecoder";
  /** Our handler's name in the pipeline. */
  static final String HANDLER_NAME = "tracebridge-http-guard";

  private HttpGuard() {}

  /**
   * Sets the idle limit ({@link GuardLimits#idleTimeout()}) and the header size ({@link
   * GuardLimits#maxHeaderBytes()}) on {@code options}, and disables cleartext HTTP/2.
   *
   * @return {@code options}, for chaining into {@code vertx.createHttpServer(...)}
   */
  public static HttpServerOptions configure(HttpServerOptions options, GuardLimits limits) {
    return options
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeout().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setHttp2ClearTextEnabled(false);
  }

  /**
   * Guards every connection {@code server} accepts (sets its connection handler; a server that
   * needs its own calls {@link #attach} from it instead).
   *
   * @return {@code server}
   */
  public static HttpServer protect(HttpServer server, GuardLimits limits) {
    return server.connectionHandler(connection -> attach(connection, limits));
  }

  /**
   * Whether the peer of {@code connection} is still connected, as the socket says now (Vert.x's
   * own close notification runs a little later, on the event loop): work for a request whose
   * connection is gone can be dropped before it is done.
   */
  public static boolean connected(HttpConnection connection) {
    return pipelineOf(connection).channel().isActive();
  }

  /**
   * Guards one connection: call from the server's connection handler, before its first request
   * is read. An HTTP/2 connection (TLS with ALPN) is left alone: its framing is binary and
   * Netty's HTTP/2 codec validates it.
   *
   * @throws IllegalStateException when the connection is not a Vert.x connection whose pipeline
   *     can be reached (a changed Vert.x internal)
   */
  public static void attach(HttpConnection connection, GuardLimits limits) {
    ChannelPipeline pipeline = pipelineOf(connection);
    if (pipeline.get(HTTP_DECODER) != null && pipeline.get(HANDLER_NAME) == null) {
      pipeline.addBefore(HTTP_DECODER, HANDLER_NAME, new RequestFramingGuard(limits));
    }
  }

  private static ChannelPipeline pipelineOf(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      throw new IllegalStateException("cannot reach the socket of " + connection.getClass().getName()
          + ": not a Vert.x ConnectionBase (has the Vert.x version changed?)");
    }
    return base.channel().pipeline();
  }
}
