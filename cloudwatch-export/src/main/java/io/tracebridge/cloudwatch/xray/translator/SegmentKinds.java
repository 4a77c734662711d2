package io.tracebridge.cloudwatch.xray.translator;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tracebridge.cloudwatch.internal.Attrs;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Segment vs subsegment by span kind, and the namespace, as the collector decides them.
 *
 * <ul>
 *   <li>A span is a <b>subsegment</b> when its kind is not SERVER and it has a parent; every SERVER
 *       span and every root span is a segment.
 *   <li><b>Namespace</b>: {@code aws} when {@code rpc.system = aws-api} or {@code aws.service} is
 *       set; {@code remote} for CLIENT spans, and for PRODUCER/CONSUMER spans naming a remote
 *       service ({@code aws.remote.service}); none otherwise.
 * </ul>
 */
final class SegmentKinds {
  private SegmentKinds() {}

  static boolean isSubsegment(Span span) {
    return span.getKind() != SpanKind.SPAN_KIND_SERVER && Attrs.validId(span.getParentSpanId(), 8);
  }

  /** True for the kinds whose exceptions are marked remote (CLIENT, PRODUCER). */
  static boolean isRemoteCaller(Span span) {
    return span.getKind() == SpanKind.SPAN_KIND_CLIENT || span.getKind() == SpanKind.SPAN_KIND_PRODUCER;
  }

  @Nullable
  static String namespace(Span span, Map<String, AnyValue> attributes) {
    if ("aws-api".equals(Attrs.string(attributes, "rpc.system").orElse(null)) || attributes.containsKey("aws.service")) {
      return "aws";
    }
    SpanKind kind = span.getKind();
    if (kind == SpanKind.SPAN_KIND_CLIENT) {
      return "remote";
    }
    if ((kind == SpanKind.SPAN_KIND_PRODUCER || kind == SpanKind.SPAN_KIND_CONSUMER)
        && attributes.containsKey("aws.remote.service")) {
      return "remote";
    }
    return null;
  }
}
