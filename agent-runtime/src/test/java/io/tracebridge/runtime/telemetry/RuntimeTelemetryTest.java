package io.tracebridge.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeTelemetryTest {
  @Test
  void defaultsApplyAndOverridesWin() {
    AutoConfiguredOpenTelemetrySdk auto =
        RuntimeTelemetry.autoConfigure(
            Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:14317", "otel.traces.exporter", "none"), List.of(), List.of());
    try {
      ConfigProperties config = io.opentelemetry.sdk.autoconfigure.internal.AutoConfigureUtil.getConfig(auto);
      assertThat(config.getString("otel.exporter.otlp.protocol")).isEqualTo("grpc");
      assertThat(config.getString("otel.exporter.otlp.endpoint")).isEqualTo("http://127.0.0.1:14317");
      assertThat(config.getString("otel.traces.exporter")).isEqualTo("none");
      assertThat(config.getString("otel.metrics.exporter")).isEqualTo("none");
      assertThat(config.getString("otel.bsp.schedule.delay")).isEqualTo("200");
      assertThat(config.getString("otel.logs.exporter")).isEqualTo("otlp");
      assertThat(config.getString("otel.blrp.schedule.delay")).isEqualTo("50");
      assertThat(config.getString("otel.service.name")).isEqualTo("tracebridge-agent-runtime");
    } finally {
      auto.getOpenTelemetrySdk().close();
    }
  }

  @Test
  void extraProcessorsReceiveSpans() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk =
        RuntimeTelemetry.create(Map.of("otel.traces.exporter", "none"), List.of(SimpleSpanProcessor.create(exporter)))) {
      sdk.getTracer("t").spanBuilder("s").startSpan().end();
      assertThat(exporter.getFinishedSpanItems()).hasSize(1);
      assertThat(exporter.getFinishedSpanItems().get(0).getResource().getAttribute(
              io.opentelemetry.api.common.AttributeKey.stringKey("service.name")))
          .isEqualTo("tracebridge-agent-runtime");
    }
  }

  @Test
  void extraLogProcessorsReceiveLogRecords() {
    InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    try (OpenTelemetrySdk sdk =
        RuntimeTelemetry.create(
            Map.of("otel.traces.exporter", "none", "otel.logs.exporter", "none"),
            List.of(),
            List.of(SimpleLogRecordProcessor.create(logs)))) {
      sdk.getLogsBridge().get("scope").logRecordBuilder().setAttribute(
          io.opentelemetry.api.common.AttributeKey.stringKey("event.name"), "x").emit();
      assertThat(logs.getFinishedLogRecordItems()).hasSize(1);
    }
  }
}
