package io.tracebridge.receiver;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;

/** Hand-built OTLP spans with one hook event, for receiver tests. */
public final class Spans {
  public static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final long START = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z

  private Spans() {}

  public static ExportTraceServiceRequest request(Span... spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
        .build();
  }

  /** A span of {@link #TRACE_ID} with one hook event {@code event} carrying {@code key=value}. */
  public static Span hookSpan(String spanIdHex, String event, String key, String value) {
    return hookSpan(TRACE_ID, spanIdHex, event, key, value);
  }

  public static Span hookSpan(
      String traceIdHex, String spanIdHex, String event, String key, String value) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceIdHex)))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanIdHex)))
        .setName("invoke_agent test")
        .setStartTimeUnixNano(START)
        .setEndTimeUnixNano(START + 1_000_000)
        .addEvents(Span.Event.newBuilder()
            .setName(event)
            .setTimeUnixNano(START)
            .addAttributes(KeyValue.newBuilder().setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))))
        .build();
  }

  /** {@code span} with a string attribute added. */
  public static Span withAttribute(Span span, String key, String value) {
    return span.toBuilder().addAttributes(KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))).build();
  }
}
