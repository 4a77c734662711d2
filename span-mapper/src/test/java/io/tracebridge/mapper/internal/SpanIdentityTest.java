package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.OtlpFixtures.id;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.tracebridge.mapper.OtlpFixtures;
import org.junit.jupiter.api.Test;

class SpanIdentityTest {
  @Test
  void readsValidIdsAsHex() {
    var span = span("s").setParentSpanId(id("00f067aa0ba902b7")).build();

    assertThat(SpanIdentity.rejectionReason(span)).isNull();
    assertThat(SpanIdentity.of(span)).isEqualTo(
        new SpanIdentity(OtlpFixtures.TRACE_ID, OtlpFixtures.SPAN_ID, "00f067aa0ba902b7"));
  }

  @Test
  void namesWhatIsWrong() {
    assertThat(SpanIdentity.rejectionReason(span("s").setTraceId(id("0102")).build()))
        .isEqualTo("trace id must be 16 bytes, got 2");
    assertThat(SpanIdentity.rejectionReason(
            span("s").setTraceId(id("00000000000000000000000000000000")).build()))
        .isEqualTo("trace id must not be all zeros");
    assertThat(SpanIdentity.rejectionReason(span("s").setSpanId(ByteString.EMPTY).build()))
        .isEqualTo("span id must be 8 bytes, got 0");
    assertThat(SpanIdentity.rejectionReason(span("s").setSpanId(id("0000000000000000")).build()))
        .isEqualTo("span id must not be all zeros");
  }

  @Test
  void anEmptyOrMalformedParentMakesARoot() {
    assertThat(SpanIdentity.of(span("s").build()).parentSpanId()).isNull();
    assertThat(SpanIdentity.of(span("s").setParentSpanId(id("0102")).build()).parentSpanId())
        .isNull();
    assertThat(SpanIdentity.of(span("s").setParentSpanId(id("0000000000000000")).build())
        .parentSpanId()).isNull();
  }
}
