package io.tracebridge.cloudwatch.xray.translator;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.tracebridge.cloudwatch.internal.Attrs;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code error}, {@code fault} and {@code throttle}, as the collector sets them: from the HTTP
 * status ({@code http.status_code}, else {@code http.response.status_code}) a 4xx is an error, a
 * 429 also a throttle, a 5xx a fault; with no HTTP status in 400..599, span status ERROR is a
 * fault.
 */
record ErrorFlags(boolean error, boolean fault, boolean throttle) {

  static ErrorFlags of(Span span, Map<String, AnyValue> attributes) {
    OptionalLong status = Attrs.firstInteger(attributes, "http.status_code", "http.response.status_code");
    if (status.isPresent()) {
      long code = status.getAsLong();
      if (code >= 400 && code <= 499) {
        return new ErrorFlags(true, false, code == 429);
      }
      if (code >= 500 && code <= 599) {
        return new ErrorFlags(false, true, false);
      }
    }
    boolean failed = span.getStatus().getCode() == StatusCode.STATUS_CODE_ERROR;
    return new ErrorFlags(false, failed, false);
  }
}
