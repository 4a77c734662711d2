package io.tracebridge.web;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every answer of the web port, the viewer's pages included: a Content-Security-Policy
 * that runs only this server's own script files (no inline script or style, nothing from
 * elsewhere) and lets no page frame the viewer; {@code nosniff} so a JSON answer holding HTML is
 * never run as a page; and {@code X-Frame-Options} for browsers without CSP frame-ancestors.
 */
final class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  static void add(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.putHeader("X-Content-Type-Options", "nosniff");
    response.putHeader("X-Frame-Options", "DENY");
    response.putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
