package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.cloudwatch.ExportStats.Counter;
import io.tracebridge.cloudwatch.FakeClients.FakeLogs;
import io.tracebridge.cloudwatch.FakeClients.FakeXRay;
import io.tracebridge.aws.TransportRetryPolicy;
import io.tracebridge.cloudwatch.internal.ExportRetries;
import io.tracebridge.cloudwatch.internal.ThrottledLogger;
import io.tracebridge.cloudwatch.otlp.LogDataConverter;
import io.tracebridge.cloudwatch.otlp.OtlpHttpTraceSender;
import io.tracebridge.cloudwatch.otlp.SpanDataConverter;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * Export complete and once: log records forwarded, resources the runtime already exported
 * skipped by the receiver's forwarder, {@code aws.log.group.names} on spans in both trace modes,
 * with scripted clients (and a loopback OTLP endpoint) and no network.
 */
class ExportOnceTest {
  private static final Path ADOT_LOGS = Path.of("src/test/resources/testdata/logrecords/"
      + "adot_llo_content_records_forwarded_in_agentcore_shape/input.logs.otlp.json");
  private static final ExportTraceServiceRequest STRANDS = OtlpJson.read(Path.of("src/test/resources/testdata/xray/"
      + "strands_agent_root_segment_named_after_service_events_kept/input.otlp.json"));

  private final FakeXRay xray = new FakeXRay();
  private final FakeLogs logs = new FakeLogs();
  private final List<CloudWatchExport> exports = new ArrayList<>();

  private CloudWatchExport export(CloudWatchExportConfig.Builder config, OtlpHttpTraceSender otlp) {
    CloudWatchExportConfig built = config.region("us-east-1").build();
    ExportRetries retries = new ExportRetries(new TransportRetryPolicy(built.maxAttempts(), Duration.ofMillis(1), Duration.ofMillis(2)), d -> { });
    CloudWatchExport export = new CloudWatchExport(built, otlp == null ? xray : null, logs, otlp, retries,
        Clock.systemUTC(), new ThrottledLogger(LoggerFactory.getLogger(ExportOnceTest.class)), List.of());
    exports.add(export);
    return export;
  }

  private CloudWatchExport export(CloudWatchExportConfig.Builder config) {
    return export(config, null);
  }

  @AfterEach
  void shutdown() {
    exports.forEach(e -> e.shutdown().join(10, TimeUnit.SECONDS));
  }

  private List<JsonNode> logEvents() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    synchronized (logs.puts) {
      for (var put : logs.puts) {
        for (InputLogEvent event : put.logEvents()) {
          out.add(SegmentJson.mapper().readTree(event.message()));
        }
      }
    }
    return out;
  }

  private static ExportLogsServiceRequest adotLogs() throws Exception {
    return OtlpJsonCodec.parseLogs(Files.readAllBytes(ADOT_LOGS));
  }

  private static KeyValue marker() {
    return KeyValue.newBuilder().setKey(CloudWatchExport.EXPORTED_ATTRIBUTE)
        .setValue(AnyValue.newBuilder().setBoolValue(true)).build();
  }

  @Test
  void forwardedLogRecordsBecomeOneEventEachInTheAgentCoreShape() throws Exception {
    ExportLogsServiceRequest request = adotLogs();
    int records = request.getResourceLogs(0).getScopeLogsList().stream().mapToInt(s -> s.getLogRecordsCount()).sum();
    CloudWatchExport export = export(CloudWatchExportConfig.builder());

    assertThat(export.forwardLogs("acme", request)).isTrue();
    assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    List<JsonNode> events = logEvents();
    assertThat(events).hasSize(records);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.at("/resource/attributes/service.name").asText()).isEqualTo("calculator-agent-adot");
      assertThat(e.at("/attributes/tenant").asText()).isEqualTo("acme");
      assertThat(e.at("/traceId").asText()).hasSize(32);
      assertThat(e.at("/body/input/messages").isArray()).isTrue();
    });
    assertThat(export.stats().get(Counter.LOG_RECORDS_ACCEPTED)).isEqualTo(records);
    assertThat(export.stats().get(Counter.LOG_EVENTS_SENT)).isEqualTo(records);
    assertThat(export.stats().get(Counter.LOG_BATCHES)).isEqualTo(1);
    assertThat(export.stats().get(Counter.LOG_BYTES)).isPositive();
  }

  @Test
  void withoutContentLogsNoLogRecordIsForwarded() throws Exception {
    CloudWatchExport export = export(CloudWatchExportConfig.builder().contentLogs(false));
    assertThat(export.forwardLogs("acme", adotLogs())).isTrue();
    assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(logs.puts).isEmpty();
  }

  @Test
  void theForwarderSkipsSpansAndRecordsTheRuntimeAlreadyExported() throws Exception {
    ExportTraceServiceRequest.Builder both = ExportTraceServiceRequest.newBuilder();
    ResourceSpans unmarked = STRANDS.getResourceSpans(0);
    both.addResourceSpans(unmarked);
    ResourceSpans.Builder marked = unmarked.toBuilder();
    marked.getResourceBuilder().addAttributes(marker());
    both.addResourceSpans(marked);
    ExportLogsServiceRequest.Builder logsBoth = adotLogs().toBuilder();
    var markedLogs = logsBoth.getResourceLogs(0).toBuilder();
    markedLogs.getResourceBuilder().addAttributes(marker());
    logsBoth.addResourceLogs(markedLogs);
    int spans = unmarked.getScopeSpans(0).getSpansCount();
    int records = logsBoth.getResourceLogs(0).getScopeLogs(0).getLogRecordsCount();

    CloudWatchExport export = export(CloudWatchExportConfig.builder());
    assertThat(export.forward("t1", both.build())).isTrue();
    assertThat(export.forwardLogs("t1", logsBoth.build())).isTrue();
    assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    assertThat(xray.documentsSent()).isEqualTo(spans);
    assertThat(export.stats().get(Counter.SPANS_SKIPPED_ALREADY_EXPORTED)).isEqualTo(spans);
    assertThat(export.stats().get(Counter.LOG_RECORDS_SKIPPED_ALREADY_EXPORTED)).isEqualTo(records);
    List<JsonNode> events = logEvents();
    assertThat(events.stream().filter(e -> e.has("_aws")).count()).as("EMF lines: the one chat span, once").isEqualTo(1);
    assertThat(events.stream().filter(e -> e.has("eventName")).count()).as("forwarded records, once").isEqualTo(records);
  }

  /**
   * Both exporters on: the runtime exports its own spans and log records (marked on its resource),
   * and the receiver's forwarder gets the same spans and records over OTLP. Each model call's EMF
   * line, each content event and each record reaches CloudWatch once.
   */
  @Test
  void bothExportersOnEachModelCallAndContentEventOnce() throws Exception {
    CloudWatchExport runtimeExport = export(CloudWatchExportConfig.builder().logStream("runtime"));
    CloudWatchExport receiverExport = export(CloudWatchExportConfig.builder().logStream("receiver"));
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
        .put("service.name", "calc-agent").put(CloudWatchExport.EXPORTED_ATTRIBUTE, true).build()));
    InMemorySpanExporter toReceiver = InMemorySpanExporter.create();
    InMemoryLogRecordExporter logsToReceiver = InMemoryLogRecordExporter.create();
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(runtimeExport.spanExporter()))
            .addSpanProcessor(SimpleSpanProcessor.create(toReceiver)).build();
        SdkLoggerProvider logging = SdkLoggerProvider.builder().setResource(resource)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(runtimeExport.logRecordExporter()))
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(logsToReceiver)).build()) {
      Tracer tracer = tracing.get("io.tracebridge.runtime");
      Logger hooks = logging.get("io.tracebridge.runtime.hooks");
      Span agent = tracer.spanBuilder("invoke_agent calc").setAttribute("gen_ai.operation.name", "invoke_agent").startSpan();
      try (Scope ignored = agent.makeCurrent()) {
        for (int call = 0; call < 2; call++) {
          Span chat = tracer.spanBuilder("chat").setAttribute("gen_ai.operation.name", "chat")
              .setAttribute("gen_ai.system", "strands-agents").setAttribute("gen_ai.request.model", "m1")
              .setAttribute("gen_ai.usage.input_tokens", 100L).setAttribute("gen_ai.usage.output_tokens", 25L)
              .setAttribute("gen_ai.usage.total_tokens", 125L).startSpan();
          try (Scope c = chat.makeCurrent()) {
            chat.addEvent("gen_ai.user.message", Attributes.of(AttributeKey.stringKey("content"), "[{\"text\": \"q" + call + "\"}]"));
            chat.addEvent("model_request", Attributes.of(AttributeKey.stringKey("model.prompt"), "q" + call));
            hooks.logRecordBuilder().setAttribute(AttributeKey.stringKey("event.name"), "model_request")
                .setAttribute(AttributeKey.stringKey("model.prompt"), "q" + call).emit();
            chat.addEvent("gen_ai.choice", Attributes.of(AttributeKey.stringKey("message"), "[{\"text\": \"a" + call + "\"}]"));
          } finally {
            chat.end();
          }
        }
      } finally {
        agent.end();
      }
      // What the receiver's forwarder sees: the same spans and records, as OTLP.
      receiverExport.forward("t1", SpanDataConverter.toRequest(toReceiver.getFinishedSpanItems()));
      receiverExport.forwardLogs("t1", LogDataConverter.toRequest(logsToReceiver.getFinishedLogRecordItems()));
    }
    assertThat(runtimeExport.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(receiverExport.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    List<JsonNode> events = logEvents();
    List<JsonNode> emf = events.stream().filter(e -> e.has("_aws")).toList();
    assertThat(emf).hasSize(2).allSatisfy(e -> assertThat(e.get("InputTokens").asLong()).isEqualTo(100));
    assertThat(emf.stream().mapToLong(e -> e.get("InputTokens").asLong()).sum()).isEqualTo(200);
    List<JsonNode> content = events.stream().filter(e -> e.has("body") && e.at("/body/input").isObject()).toList();
    Set<String> spanIds = new HashSet<>();
    content.forEach(e -> assertThat(spanIds.add(e.get("spanId").asText())).as("one content event per span").isTrue());
    assertThat(content).hasSize(2).allSatisfy(e -> {
      assertThat(e.at("/body/input/messages")).as("the prompt once, not again from model_request").hasSize(1);
      assertThat(e.at("/body/output/messages")).hasSize(1);
    });
    List<JsonNode> records = events.stream().filter(e -> "model_request".equals(e.at("/attributes/event.name").asText())).toList();
    assertThat(records).hasSize(2);
    assertThat(logs.puts).allSatisfy(p -> assertThat(p.logStreamName()).isEqualTo("runtime"));
    assertThat(receiverExport.stats().get(Counter.SPANS_SKIPPED_ALREADY_EXPORTED)).isEqualTo(3);
    assertThat(receiverExport.stats().get(Counter.LOG_RECORDS_SKIPPED_ALREADY_EXPORTED)).isEqualTo(2);
    assertThat(runtimeExport.stats().get(Counter.LOG_RECORDS_ACCEPTED)).isEqualTo(2);
  }

  /**
   * An SDK shuts its logger and tracer providers down independently: the log exporter's shutdown
   * must not cut off the spans the batch processor exports last (found by the app's interop test).
   */
  @Test
  void theExportShutsDownWithItsLastSdkExporter() throws Exception {
    CloudWatchExport export = export(CloudWatchExportConfig.builder());
    var spans = export.spanExporter();
    var records = export.logRecordExporter();
    assertThat(records.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(records.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).as("idempotent").isTrue();

    InMemorySpanExporter memory = InMemorySpanExporter.create();
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
      tracing.get("t").spanBuilder("chat").startSpan().end();
      assertThat(spans.export(memory.getFinishedSpanItems()).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    assertThat(spans.shutdown().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(export.stats().get(Counter.SPANS_DROPPED_SHUTDOWN)).isZero();
    assertThat(xray.documentsSent()).isEqualTo(1);
    assertThat(export.forward("t", STRANDS)).as("shut down with the last exporter").isFalse();
  }

  @Test
  void spansCarryTheLogGroupInXRayModeAndAProducersOwnValueIsKept() throws Exception {
    CloudWatchExport export = export(CloudWatchExportConfig.builder().logGroup("/aws/bedrock-agentcore/runtimes/r-1"));
    ExportTraceServiceRequest enriched = export.withLogGroup(STRANDS);
    KeyValue added = enriched.getResourceSpans(0).getResource().getAttributesList().stream()
        .filter(kv -> kv.getKey().equals("aws.log.group.names")).findFirst().orElseThrow();
    assertThat(added.getValue().getArrayValue().getValues(0).getStringValue()).isEqualTo("/aws/bedrock-agentcore/runtimes/r-1");
    assertThat(export.withLogGroup(enriched)).isSameAs(enriched);

    assertThat(export.forward("t1", STRANDS)).isTrue();
    assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    String root = xray.calls.get(0).traceSegmentDocuments().stream().filter(d -> !d.contains("\"type\":\"subsegment\""))
        .findFirst().orElseThrow();
    JsonNode segment = SegmentJson.mapper().readTree(root);
    assertThat(segment.at("/aws/cloudwatch_logs/0/log_group").asText()).isEqualTo("/aws/bedrock-agentcore/runtimes/r-1");
    assertThat(segment.at("/metadata/default").toString()).contains("otel.resource.aws.log.group.names");
  }

  @Test
  void spansCarryTheLogGroupInOtlpMode() throws Exception {
    List<byte[]> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", exchange -> {
      bodies.add(exchange.getRequestBody().readAllBytes());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
      ExportRetries retries = new ExportRetries(new TransportRetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2)), d -> { });
      OtlpHttpTraceSender sender = new OtlpHttpTraceSender(endpoint, "us-east-1",
          StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), retries.otlpLoop(), true, Duration.ofSeconds(5),
          Clock.systemUTC());
      CloudWatchExport export = export(CloudWatchExportConfig.builder().traces(CloudWatchExportConfig.Traces.OTLP)
          .logGroup("/tracebridge/otlp-agents"), sender);
      assertThat(export.forward("t1", STRANDS)).isTrue();
      assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export.stats().get(Counter.OTLP_REQUESTS)).isEqualTo(1);
      assertThat(export.stats().get(Counter.OTLP_BYTES)).isPositive();
    } finally {
      server.stop(0);
    }
    assertThat(bodies).hasSize(1);
    ExportTraceServiceRequest sent = ExportTraceServiceRequest.parseFrom(
        new GZIPInputStream(new ByteArrayInputStream(bodies.get(0))).readAllBytes());
    assertThat(sent.getResourceSpans(0).getResource().getAttributesList())
        .filteredOn(kv -> kv.getKey().equals("aws.log.group.names"))
        .singleElement()
        .satisfies(kv -> assertThat(kv.getValue().getArrayValue().getValues(0).getStringValue())
            .isEqualTo("/tracebridge/otlp-agents"));
    assertThat(sent.getResourceSpans(0).getResource().getAttributesList())
        .filteredOn(kv -> kv.getKey().equals("service.name")).hasSize(1);
  }

  @Test
  void metricFamiliesArePrometheusNamedAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (ExportStats.Metric metric : ExportStats.metrics()) {
      assertThat(metric.name()).startsWith("tracebridge.cloudwatch.").doesNotEndWith(".total").matches("[a-z_.]+");
      assertThat(seen.add(metric.name() + metric.tags())).as("%s %s", metric.name(), metric.tags()).isTrue();
    }
    assertThat(seen).anyMatch(s -> s.startsWith("tracebridge.cloudwatch.spans.dropped{reason=queue_full"))
        .anyMatch(s -> s.startsWith("tracebridge.cloudwatch.spans.sent"))
        .anyMatch(s -> s.startsWith("tracebridge.cloudwatch.retried"))
        .anyMatch(s -> s.startsWith("tracebridge.cloudwatch.log.events.sent"))
        .anyMatch(s -> s.startsWith("tracebridge.cloudwatch.batches{api=PutLogEvents"))
        .anyMatch(s -> s.startsWith("tracebridge.cloudwatch.bytes{api=PutTraceSegments"));
  }
}
