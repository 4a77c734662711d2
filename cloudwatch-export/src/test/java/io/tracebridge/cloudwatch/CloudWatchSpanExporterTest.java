package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.cloudwatch.FakeClients.FakeLogs;
import io.tracebridge.cloudwatch.FakeClients.FakeXRay;
import io.tracebridge.aws.TransportRetryPolicy;
import io.tracebridge.cloudwatch.internal.ExportRetries;
import io.tracebridge.cloudwatch.internal.ThrottledLogger;
import io.tracebridge.cloudwatch.otlp.SpanDataConverter;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The runtime side: SDK spans through a BatchSpanProcessor into the export. */
class CloudWatchSpanExporterTest {
  private static final Resource RESOURCE = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "calc-agent"));

  @Test
  @SuppressWarnings("try")
  void convertsSdkSpansToOtlpFaithfully() {
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    List<SpanData> spans;
    try (SdkTracerProvider provider = SdkTracerProvider.builder().setResource(RESOURCE)
        .addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
      Tracer tracer = provider.get("io.tracebridge.runtime", "1.0");
      Span root = tracer.spanBuilder("invoke_agent calc").setSpanKind(SpanKind.INTERNAL).startSpan();
      try (Scope ignored = root.makeCurrent()) {
        Span chat = tracer.spanBuilder("chat").setAttribute("gen_ai.usage.input_tokens", 12L)
            .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b")).startSpan();
        chat.addEvent("model_response", Attributes.of(AttributeKey.stringKey("model.response"), "5"));
        chat.setStatus(StatusCode.ERROR, "boom");
        chat.end();
      }
      root.end();
      spans = memory.getFinishedSpanItems(); // before close(), which clears the exporter
    }
    ExportTraceServiceRequest request = SpanDataConverter.toRequest(spans);

    assertThat(request.getResourceSpansCount()).isEqualTo(1);
    var scope = request.getResourceSpans(0).getScopeSpans(0);
    assertThat(scope.getScope().getName()).isEqualTo("io.tracebridge.runtime");
    assertThat(scope.getScope().getVersion()).isEqualTo("1.0");
    var chat = scope.getSpansList().stream().filter(s -> s.getName().equals("chat")).findFirst().orElseThrow();
    SpanData chatData = spans.stream().filter(s -> s.getName().equals("chat")).findFirst().orElseThrow();
    assertThat(io.tracebridge.cloudwatch.internal.Attrs.hex(chat.getTraceId())).isEqualTo(chatData.getTraceId());
    assertThat(io.tracebridge.cloudwatch.internal.Attrs.hex(chat.getParentSpanId())).isEqualTo(chatData.getParentSpanId());
    assertThat(chat.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL);
    assertThat(chat.getStartTimeUnixNano()).isEqualTo(chatData.getStartEpochNanos());
    assertThat(chat.getStatus().getMessage()).isEqualTo("boom");
    assertThat(chat.getEvents(0).getName()).isEqualTo("model_response");
    assertThat(chat.getAttributesList()).anySatisfy(kv -> {
      assertThat(kv.getKey()).isEqualTo("tags");
      assertThat(kv.getValue().getArrayValue().getValuesCount()).isEqualTo(2);
    });
  }

  @Test
  void batchSpanProcessorExportsToXRayWithoutWaitingOnIt() throws Exception {
    FakeXRay xray = new FakeXRay();
    CloudWatchExportConfig config = CloudWatchExportConfig.builder().region("us-east-1").build();
    CloudWatchExport export = new CloudWatchExport(config, xray, new FakeLogs(), null,
        new ExportRetries(new TransportRetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)), d -> { }), Clock.systemUTC(),
        new ThrottledLogger(LoggerFactory.getLogger("test")), List.of());
    try (SdkTracerProvider provider = SdkTracerProvider.builder().setResource(RESOURCE)
        .addSpanProcessor(BatchSpanProcessor.builder(export.spanExporter()).setScheduleDelay(Duration.ofMillis(10)).build())
        .build()) {
      Tracer tracer = provider.get("io.tracebridge.runtime");
      tracer.spanBuilder("invoke_agent calc").startSpan().end();
      provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    assertThat(xray.calls).hasSize(1);
    JsonNode document = SegmentJson.mapper().readTree(xray.calls.get(0).traceSegmentDocuments().get(0));
    assertThat(document.get("name").asText()).as("root segment named after service.name").isEqualTo("calc-agent");
    assertThat(export.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).as("closing the provider shut the export down").isTrue();
  }
}
