package io.tracebridge.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Liveness and readiness for load balancers, the same on every role: {@code GET /health/live} is
 * 200 while the process serves HTTP; {@code GET /health/ready} is 200 {@code {"status":"UP"}} when
 * {@link Readiness#problems()} is empty, else 503 {@code {"status":"DOWN","problems":[...]}}.
 * {@code GET /health} stays the liveness answer it always was.
 */
public final class HealthRoutes {
  private HealthRoutes() {}

  /** Adds the three routes to {@code router}. */
  public static void install(Router router, Readiness readiness) {
    router.get("/health").handler(HealthRoutes::live);
    router.get("/health/live").handler(HealthRoutes::live);
    router.get("/health/ready").handler(ctx -> readiness.problems().onComplete(ar -> {
      if (ar.succeeded() && ar.result().isEmpty()) {
        ctx.json(new JsonObject().put("status", "UP"));
        return;
      }
      JsonArray problems = ar.succeeded()
          ? new JsonArray(ar.result())
          : new JsonArray().add("readiness check failed: " + ar.cause().getMessage());
      ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
          .end(new JsonObject().put("status", "DOWN").put("problems", problems).encode());
    }));
  }

  private static void live(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }
}
