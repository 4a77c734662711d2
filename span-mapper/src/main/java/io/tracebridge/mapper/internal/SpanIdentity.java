package io.tracebridge.mapper.internal;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.TraceIds;
import javax.annotation.Nullable;

/**
 * The ids of a readable span, as lower-case hex.
 *
 * <p>A span is structurally unreadable when its trace id is not 16 bytes or is all zeros, or its
 * span id is not 8 bytes or is all zeros ({@link #rejectionReason}). A malformed parent span id
 * does not reject the span; the span is then read as a root.
 */
record SpanIdentity(String traceId, String spanId, @Nullable String parentSpanId) {
  private static final int TRACE_ID_BYTES = 16;
  private static final int SPAN_ID_BYTES = 8;

  /** Why {@code span} cannot be read, or null if its ids are valid. */
  @Nullable
  static String rejectionReason(Span span) {
    String traceProblem = idProblem("trace id", span.getTraceId(), TRACE_ID_BYTES);
    return traceProblem != null
        ? traceProblem
        : idProblem("span id", span.getSpanId(), SPAN_ID_BYTES);
  }

  /** The ids of a span that {@link #rejectionReason} accepted. */
  static SpanIdentity of(Span span) {
    ByteString parent = span.getParentSpanId();
    boolean hasParent = idProblem("parent span id", parent, SPAN_ID_BYTES) == null;
    return new SpanIdentity(
        hexOrNull(span.getTraceId()),
        hexOrNull(span.getSpanId()),
        hasParent ? hexOrNull(parent) : null);
  }

  /** Hex of whatever id bytes a span has (for naming a rejected span), or null if empty. */
  @Nullable
  static String hexOrNull(ByteString id) {
    return id.isEmpty() ? null : TraceIds.hex(id.toByteArray());
  }

  @Nullable
  private static String idProblem(String what, ByteString id, int expectedBytes) {
    if (id.size() != expectedBytes) {
      return what + " must be " + expectedBytes + " bytes, got " + id.size();
    }
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return null;
      }
    }
    return what + " must not be all zeros";
  }
}
