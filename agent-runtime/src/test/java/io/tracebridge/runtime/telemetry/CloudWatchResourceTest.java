package io.tracebridge.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.cloudwatch.CloudWatchExport;
import io.tracebridge.cloudwatch.CloudWatchExportConfig;
import io.tracebridge.runtime.AgentRuntimeMain;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A runtime exporting to CloudWatch itself marks its resource, on spans and log records alike, so
 * the receiver's forwarder does not export them again, and names its log group for GenAI
 * Observability.
 */
class CloudWatchResourceTest {
  @Test
  void spansAndLogRecordsCarryTheMarkerAndTheLogGroup() {
    CloudWatchExportConfig cloudWatch = CloudWatchExportConfig.builder().region("us-east-1")
        .logGroup("/aws/bedrock-agentcore/runtimes/r-1").build();
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    try (OpenTelemetrySdk sdk = RuntimeTelemetry.create(
        Map.of("otel.traces.exporter", "none", "otel.logs.exporter", "none"),
        List.of(SimpleSpanProcessor.create(spans)), List.of(SimpleLogRecordProcessor.create(logs)),
        AgentRuntimeMain.cloudWatchResource(cloudWatch))) {
      sdk.getTracer("t").spanBuilder("s").startSpan().end();
      sdk.getLogsBridge().get("l").logRecordBuilder().setBody("x").emit();
      // (the in-memory exporters forget everything when the SDK closes)
      check(spans, logs);
    }
  }

  private static void check(InMemorySpanExporter spans, InMemoryLogRecordExporter logs) {
    for (var resource : List.of(spans.getFinishedSpanItems().get(0).getResource(),
        logs.getFinishedLogRecordItems().get(0).getResource())) {
      assertThat(resource.getAttribute(AttributeKey.booleanKey(CloudWatchExport.EXPORTED_ATTRIBUTE))).isTrue();
      assertThat(resource.getAttribute(AttributeKey.stringArrayKey("aws.log.group.names")))
          .containsExactly("/aws/bedrock-agentcore/runtimes/r-1");
      assertThat(resource.getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("tracebridge-agent-runtime");
    }
  }

  @Test
  void withoutContentLogsOnlyTheMarker() {
    CloudWatchExportConfig cloudWatch = CloudWatchExportConfig.builder().region("us-east-1").contentLogs(false).build();
    assertThat(AgentRuntimeMain.cloudWatchResource(cloudWatch).asMap()).hasSize(1);
  }
}
