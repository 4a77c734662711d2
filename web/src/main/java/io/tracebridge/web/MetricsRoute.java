package io.tracebridge.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * {@code GET /metrics} (Prometheus text), the same rule on every role that serves it: with a
 * metrics key only for {@code Authorization: Bearer <key>} (401 otherwise); without one, open only
 * when {@code open} (no tenants' keys configured), else 403. Its meters carry no tenant.
 */
public final class MetricsRoute {
  private MetricsRoute() {}

  /**
   * The handler.
   *
   * @param scrape the exposition (a Prometheus registry's {@code scrape()})
   * @param key the bearer key, or null for none
   * @param open whether it answers without a key when {@code key} is null
   */
  public static Handler<RoutingContext> handler(Supplier<String> scrape, @Nullable String key, boolean open) {
    return ctx -> {
      if (key == null && !open) {
        HttpErrors.send(ctx, 403, "/metrics is off on a node with API keys: start it with --metrics-key");
        return;
      }
      if (key != null && !MessageDigest.isEqual(("Bearer " + key).getBytes(StandardCharsets.UTF_8),
          String.valueOf(ctx.request().getHeader("Authorization")).getBytes(StandardCharsets.UTF_8))) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"tracebridge-metrics\"");
        HttpErrors.send(ctx, 401, "/metrics needs Authorization: Bearer <the metrics key>");
        return;
      }
      ctx.response()
          .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
          .end(scrape.get());
    };
  }
}
