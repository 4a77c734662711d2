package io.tracebridge.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.SpanContext;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {
  @Test
  void xrayHeaderGivesTheRemoteParent() {
    SpanContext parent = TraceHeaders.xray("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    assertThat(parent.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(parent.getSpanId()).isEqualTo("53995c3f42cd8ad8");
    assertThat(parent.isSampled()).isTrue();
    assertThat(parent.isRemote()).isTrue();
  }

  @Test
  void xrayFieldsInAnyOrderAndSampledZero() {
    SpanContext parent = TraceHeaders.xray("Sampled=0; Parent=53995c3f42cd8ad8; Root=1-5759e988-bd862e3fe1be46a994272793; Lineage=a:1");
    assertThat(parent.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(parent.isSampled()).isFalse();
  }

  @Test
  void malformedXrayHeadersAreIgnored() {
    assertThat(TraceHeaders.xray(null)).isNull();
    assertThat(TraceHeaders.xray("Root=1-5759e988-bd862e3fe1be46a994272793")).isNull();
    assertThat(TraceHeaders.xray("Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8")).isNull();
    assertThat(TraceHeaders.xray("Root=1-5759e988-bd862e3fe1be46a99427279z;Parent=53995c3f42cd8ad8")).isNull();
    assertThat(TraceHeaders.xray("garbage")).isNull();
  }

  @Test
  void xrayFormOfATraceId() {
    assertThat(TraceHeaders.xrayTraceId("5759e988bd862e3fe1be46a994272793")).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
    assertThatThrownBy(() -> TraceHeaders.xrayTraceId("abc")).isInstanceOf(IllegalArgumentException.class);
  }
}
