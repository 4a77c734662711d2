package io.tracebridge.web;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** JSON error replies: {@code {"error": "..."}} with the given status. */
final class HttpErrors {
  private HttpErrors() {}

  static void send(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status);
    ctx.json(Map.of("error", message));
  }
}
