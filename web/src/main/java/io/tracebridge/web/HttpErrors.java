package io.tracebridge.web;

import io.tracebridge.store.StoreException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON error replies, {@code {"error": "..."}}: 4xx with the reason for the caller's mistakes;
 * for the server's own faults 503 (the store, retryable) or 500, with a request id that is also
 * in the log line carrying the exception, and never the exception's text.
 */
final class HttpErrors {
  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);
  /** Seconds a client told the store is unavailable should wait. */
  static final String RETRY_AFTER_SECONDS = "1";

  private HttpErrors() {}

  static void send(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status);
    ctx.json(Map.of("error", message));
  }

  /**
   * A failure that is not the caller's: logged with a new request id, answered 503 when the
   * store says retrying helps, else 500.
   */
  static void fault(RoutingContext ctx, Throwable failure) {
    Fault fault = Fault.logged(failure, ctx.request().method() + " " + ctx.request().path());
    String requestId = fault.requestId();
    boolean retryable = fault.retryable();
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset(); // a body already under way cannot turn into an error: end the stream
      return;
    }
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", retryable
        ? "the store is unavailable; try again shortly"
        : "internal error; quote the requestId when you report it");
    body.put("requestId", requestId);
    if (retryable) {
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    response.putHeader("X-Request-Id", requestId).setStatusCode(retryable ? 503 : 500);
    ctx.json(body);
  }

  /**
   * The router's last word: a status a handler or Vert.x Web failed with (404, 405, 413, ...)
   * answered as JSON with its reason phrase; an exception as {@link #fault}.
   */
  static void routerFailure(RoutingContext ctx) {
    if (ctx.failure() == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      String reason = ctx.response().setStatusCode(ctx.statusCode()).getStatusMessage();
      send(ctx, ctx.statusCode(), reason.toLowerCase(java.util.Locale.ROOT));
      return;
    }
    fault(ctx, ctx.failure() == null ? new IllegalStateException("status " + ctx.statusCode()) : ctx.failure());
  }

  /**
   * A server fault, logged with the exception under a new request id, the one thing of it a
   * client is told. Retryable when the store says so (throttling, time-outs).
   */
  record Fault(String requestId, boolean retryable) {
    static Fault logged(Throwable failure, String what) {
      Throwable cause = unwrap(failure);
      Fault fault = new Fault(UUID.randomUUID().toString(), cause instanceof StoreException s && s.retryable());
      LOG.error("request {} ({}) failed", fault.requestId(), what, cause);
      return fault;
    }
  }

  /** The exception inside the wrappers futures add. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
