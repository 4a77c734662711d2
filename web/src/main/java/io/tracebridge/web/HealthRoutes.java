package io.tracebridge.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Liveness and readiness for load balancers, the same on every role: {@code GET /health/live} is
 * 200 {@code {"status":"UP"}} while the process serves HTTP (a liveness probe: it never depends on
 * the table, so a DynamoDB outage does not get nodes restarted); {@code GET /health/ready} and
 * {@code GET /health} are 200 {@code {"status":"UP"}} when {@link Readiness#problems()} is empty,
 * else 503 {@code {"status":"DOWN","problems":[...]}} (on the web and receiver roles: the table
 * reachable and ACTIVE, the cluster joined). {@code /health} was the liveness answer, a constant
 * {@code UP}; it now says the table's state, which is what a caller of a bare {@code /health}
 * expects to learn.
 */
public final class HealthRoutes {
  private HealthRoutes() {}

  /** Adds the three routes to {@code router}. */
  public static void install(Router router, Readiness readiness) {
    router.get("/health").handler(ctx -> ready(ctx, readiness));
    router.get("/health/live").handler(HealthRoutes::live);
    router.get("/health/ready").handler(ctx -> ready(ctx, readiness));
  }

  private static void ready(RoutingContext ctx, Readiness readiness) {
    Future<List<String>> check;
    try {
      check = readiness.problems();
    } catch (RuntimeException e) {
      check = Future.failedFuture(e);
    }
    check.onComplete(ar -> {
      if (ar.succeeded() && ar.result().isEmpty()) {
        ctx.json(new JsonObject().put("status", "UP"));
        return;
      }
      JsonArray problems = ar.succeeded()
          ? new JsonArray(ar.result())
          : new JsonArray().add("readiness check failed: " + ar.cause().getMessage());
      ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
          .end(new JsonObject().put("status", "DOWN").put("problems", problems).encode());
    });
  }

  private static void live(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }
}
