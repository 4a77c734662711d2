package io.tracebridge.runtime;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request logging middleware (the runtime seed's "essential" debugging aid), at DEBUG: method,
 * path, headers with credentials masked, body length, status and duration. Never the body, so no
 * prompt content. Runs on the event loop; cheap.
 */
final class RequestLogHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestLogHandler.class);
  private static final Pattern SENSITIVE =
      Pattern.compile("authorization|cookie|token|key|secret|password|credential|signature|session");

  @Override
  public void handle(RoutingContext ctx) {
    if (LOG.isDebugEnabled()) {
      long start = System.nanoTime();
      ctx.addEndHandler(
          done -> {
            int bodyBytes = ctx.body() == null || ctx.body().buffer() == null ? 0 : ctx.body().length();
            LOG.debug(
                "{} {} headers={} bodyBytes={} -> {} in {} ms",
                ctx.request().method(),
                ctx.request().path(),
                maskedHeaders(ctx),
                bodyBytes,
                ctx.response().getStatusCode(),
                (System.nanoTime() - start) / 1_000_000);
          });
    }
    ctx.next();
  }

  private static String maskedHeaders(RoutingContext ctx) {
    StringJoiner out = new StringJoiner(", ", "{", "}");
    for (Map.Entry<String, String> header : ctx.request().headers()) {
      out.add(header.getKey() + "=" + mask(header.getKey(), header.getValue()));
    }
    return out.toString();
  }

  /** {@code ****} for credential-like header names, the value otherwise. */
  static String mask(String name, String value) {
    return SENSITIVE.matcher(name.toLowerCase(Locale.ROOT)).find() ? "****" : value;
  }
}
