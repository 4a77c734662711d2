package io.tracebridge.runtime.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * The caller's trace, read from the request headers AgentCore forwards, so that an invocation is a
 * child of the caller's span and both are one trace.
 *
 * <p>{@value #TRACEPARENT} (W3C Trace Context) is read first; without a valid one, {@value
 * #XRAY_TRACE_ID} ({@code Root=1-8hex-24hex;Parent=16hex;Sampled=0|1}, what AgentCore and other
 * AWS services send). Neither, or a malformed value, gives {@link Context#root()}: the run starts
 * a new trace, as before. The X-Ray format is parsed here because the runtime does not depend on
 * the OpenTelemetry contrib propagators.
 */
public final class TraceHeaders {
  public static final String TRACEPARENT = "traceparent";
  public static final String XRAY_TRACE_ID = "X-Amzn-Trace-Id";

  private TraceHeaders() {}

  /** The context whose span is the caller's, or {@link Context#root()}; {@code header} is case-insensitive. */
  public static Context parent(Function<String, String> header) {
    Context w3c =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), header, new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(Function<String, String> carrier) {
            return List.of(TRACEPARENT, "tracestate");
          }

          @Override
          public @Nullable String get(@Nullable Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
          }
        });
    if (Span.fromContext(w3c).getSpanContext().isValid()) {
      return w3c;
    }
    SpanContext xray = xray(header.apply(XRAY_TRACE_ID));
    return xray == null ? Context.root() : Context.root().with(Span.wrap(xray));
  }

  /**
   * The remote span context of an {@code X-Amzn-Trace-Id} value, or null when it has no valid
   * {@code Root} and {@code Parent}. {@code Sampled=0} gives an unsampled context; a missing
   * {@code Sampled} a sampled one (the caller recorded its span).
   */
  static @Nullable SpanContext xray(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String root = null;
    String parent = null;
    boolean sampled = true;
    for (String field : value.split(";")) {
      int eq = field.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = field.substring(0, eq).trim();
      String v = field.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
      if (key.equals("Root")) {
        root = v;
      } else if (key.equals("Parent")) {
        parent = v;
      } else if (key.equals("Sampled")) {
        sampled = !v.equals("0");
      }
    }
    if (root == null || parent == null || root.length() != 35 || !root.startsWith("1-") || root.charAt(10) != '-') {
      return null;
    }
    String traceId = root.substring(2, 10) + root.substring(11);
    SpanContext context =
        SpanContext.createFromRemoteParent(
            traceId, parent, sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
    return context.isValid() ? context : null;
  }

  /** The X-Ray form {@code 1-8hex-24hex} of a 32-hex OpenTelemetry trace id. */
  public static String xrayTraceId(String traceId) {
    if (!TraceId.isValid(traceId) && !traceId.equals(TraceId.getInvalid())) {
      throw new IllegalArgumentException("not a 32-hex trace id: " + traceId);
    }
    return "1-" + traceId.substring(0, 8) + "-" + traceId.substring(8);
  }
}
