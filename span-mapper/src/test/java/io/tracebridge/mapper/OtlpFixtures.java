package io.tracebridge.mapper;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;

/** Small builders for OTLP protobuf values in unit tests (golden tests use JSON files). */
public final class OtlpFixtures {
  public static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
  public static final String SPAN_ID = "a1b2c3d4e5f60001";
  public static final long T0 = 1_735_725_600_000_000_000L;

  private OtlpFixtures() {}

  public static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  /** A key-value whose AnyValue type follows the Java type (String, Integer/Long, Double...). */
  public static KeyValue kv(String key, Object value) {
    AnyValue.Builder any = AnyValue.newBuilder();
    if (value instanceof String s) {
      any.setStringValue(s);
    } else if (value instanceof Integer || value instanceof Long) {
      any.setIntValue(((Number) value).longValue());
    } else if (value instanceof Double d) {
      any.setDoubleValue(d);
    } else if (value instanceof Boolean b) {
      any.setBoolValue(b);
    } else if (value instanceof AnyValue v) {
      any.mergeFrom(v);
    } else {
      throw new IllegalArgumentException("unsupported test value " + value);
    }
    return KeyValue.newBuilder().setKey(key).setValue(any).build();
  }

  public static Span.Event event(String name, long offsetMs, KeyValue... attributes) {
    return Span.Event.newBuilder()
        .setName(name)
        .setTimeUnixNano(T0 + offsetMs * 1_000_000L)
        .addAllAttributes(List.of(attributes))
        .build();
  }

  /** A valid span (ids {@link #TRACE_ID}/{@link #SPAN_ID}, 0 to 100 ms) to adjust further. */
  public static Span.Builder span(String name) {
    return Span.newBuilder()
        .setTraceId(id(TRACE_ID))
        .setSpanId(id(SPAN_ID))
        .setName(name)
        .setStartTimeUnixNano(T0)
        .setEndTimeUnixNano(T0 + 100_000_000L);
  }

  public static ResourceSpans resourceSpans(Span... spans) {
    return ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))
        .build();
  }
}
