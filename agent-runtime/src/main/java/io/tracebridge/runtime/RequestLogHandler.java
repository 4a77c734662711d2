package io.tracebridge.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.internal.Json;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request logging (the runtime seed's "essential" debugging aid): one line per request at INFO,
 * when the response ends, with the method, path, headers, status, duration and the start of the
 * body. Text by default; one JSON object per line with {@code LOG_FORMAT=json}, for CloudWatch
 * Logs Insights.
 *
 * <p>Nothing secret is written: header values whose names look like credentials (and AgentCore's
 * session header) are {@code ****}, and so are the values of JSON body fields whose names do
 * ({@code token}, {@code api_key}, {@code password}, ...). The body excerpt, which may hold a
 * prompt, is cut at {@code LOG_BODY_CHARS} characters ({@code 0}: no body at all). Runs on the
 * event loop; a JSON body is parsed once more to mask it (bodies are at most 1 MiB).
 */
final class RequestLogHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestLogHandler.class);
  private static final Pattern SENSITIVE =
      Pattern.compile("authorization|cookie|token|key|secret|password|credential|signature|session");
  /** As {@link #SENSITIVE} for body fields, without {@code session} ({@code session_id} is no secret). */
  private static final Pattern SENSITIVE_FIELD =
      Pattern.compile("authorization|cookie|token|key|secret|password|credential|signature");
  static final String MASK = "****";

  /** How request lines are written ({@code LOG_FORMAT}). */
  enum Format {
    TEXT,
    JSON
  }

  private final Format format;
  private final int bodyChars;
  private final Consumer<String> sink;

  /** Lines at INFO on this class's logger. */
  RequestLogHandler(Format format, int bodyChars) {
    this(format, bodyChars, LOG::info);
  }

  RequestLogHandler(Format format, int bodyChars, Consumer<String> sink) {
    this.format = Objects.requireNonNull(format, "format");
    this.bodyChars = bodyChars;
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> sink.accept(line(ctx, (System.nanoTime() - start) / 1_000_000)));
    ctx.next();
  }

  private String line(RoutingContext ctx, long millis) {
    String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
    ObjectNode headers = Json.object();
    for (Map.Entry<String, String> header : ctx.request().headers()) {
      headers.put(header.getKey(), mask(header.getKey(), header.getValue()));
    }
    String excerpt = excerpt(body, bodyChars);
    if (format == Format.JSON) {
      ObjectNode out = Json.object()
          .put("method", ctx.request().method().name())
          .put("path", ctx.request().path())
          .put("status", ctx.response().getStatusCode())
          .put("duration_ms", millis)
          .put("body_bytes", body.length());
      out.set("headers", headers);
      if (bodyChars > 0) {
        out.put("body", excerpt);
      }
      return Json.write(out);
    }
    return ctx.request().method() + " " + ctx.request().path() + " -> " + ctx.response().getStatusCode()
        + " in " + millis + " ms headers=" + Json.write(headers) + " bodyBytes=" + body.length()
        + (bodyChars > 0 ? " body=" + excerpt : "");
  }

  /** {@code ****} for credential-like header names, the value otherwise. */
  static String mask(String name, String value) {
    return SENSITIVE.matcher(name.toLowerCase(Locale.ROOT)).find() ? MASK : value;
  }

  /**
   * The body as logged: a JSON body with its sensitive fields masked, compact, then cut at {@code
   * max} characters with the count of what was left out; other bodies cut the same way.
   */
  static String excerpt(String body, int max) {
    String shown = body;
    try {
      JsonNode json = body.isBlank() ? null : Json.read(body);
      if (json != null && json.isContainerNode()) {
        maskFields(json);
        shown = Json.write(json);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // Not JSON: logged as text.
    }
    return shown.length() <= max ? shown : shown.substring(0, max) + "...(+" + (shown.length() - max) + " chars)";
  }

  private static void maskFields(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String name : object.properties().stream().map(Map.Entry::getKey).toList()) {
        JsonNode value = object.get(name);
        if (SENSITIVE_FIELD.matcher(name.toLowerCase(Locale.ROOT)).find() && value.isValueNode()) {
          object.put(name, MASK);
        } else {
          maskFields(value);
        }
      }
    } else if (node.isArray()) {
      node.forEach(RequestLogHandler::maskFields);
    }
  }
}
