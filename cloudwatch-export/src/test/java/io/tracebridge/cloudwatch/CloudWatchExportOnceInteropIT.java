package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.cloudwatch.ExportStats.Counter;
import io.tracebridge.cloudwatch.logs.LogEventBatcher;
import io.tracebridge.cloudwatch.otlp.LogDataConverter;
import io.tracebridge.cloudwatch.otlp.SpanDataConverter;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.xray.XRayClient;
import software.amazon.awssdk.services.xray.model.BatchGetTracesResponse;
import software.amazon.awssdk.services.xray.model.Segment;

/**
 * Issue 16's "export, complete and once" against moto's server mode (real X-Ray and CloudWatch
 * Logs wire protocols on loopback): log records forwarded to the log group, both exporters on
 * without a double export, content events within the limits, the log group on the spans, client
 * spans as remote nodes, and the counters. Run with {@code -Pinterop} after {@code
 * .ci/interop-moto.sh}. Moto checks no sizes (see {@link CloudWatchMotoInteropIT}): the limits are
 * asserted on what it hands back.
 */
class CloudWatchExportOnceInteropIT {
  private static final ObjectMapper JSON = SegmentJson.mapper();
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  private static final String REGION = "us-east-1";
  private static final Path ADOT_LOGS = Path.of("src/test/resources/testdata/logrecords/"
      + "adot_llo_content_records_forwarded_in_agentcore_shape/input.logs.otlp.json");

  private static MotoServer moto;
  private static XRayClient xray;
  private static CloudWatchLogsClient logs;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    xray = XRayClient.builder().region(Region.of(REGION)).credentialsProvider(CREDENTIALS)
        .endpointOverride(moto.endpoint()).httpClient(UrlConnectionHttpClient.create()).build();
    logs = CloudWatchLogsClient.builder().region(Region.of(REGION)).credentialsProvider(CREDENTIALS)
        .endpointOverride(moto.endpoint()).httpClient(UrlConnectionHttpClient.create()).build();
  }

  @AfterAll
  static void stopMoto() throws Exception {
    if (xray != null) {
      xray.close();
      logs.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private static CloudWatchExportConfig.Builder config(String logGroup, String stream) {
    return CloudWatchExportConfig.builder()
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .xrayEndpoint(moto.endpoint())
        .logsEndpoint(moto.endpoint())
        .logGroup(logGroup)
        .logStream(stream)
        .emfNamespace("TraceBridgeInterop")
        .initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(100));
  }

  private static List<JsonNode> events(String group, String stream) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (OutputLogEvent event : logs.getLogEvents(r -> r.logGroupName(group).logStreamName(stream).startFromHead(true))
        .events()) {
      assertThat(event.message().getBytes(StandardCharsets.UTF_8).length + LogEventBatcher.EVENT_OVERHEAD_BYTES)
          .as("event within 256 KB").isLessThanOrEqualTo(LogEventBatcher.MAX_EVENT_BYTES);
      out.add(JSON.readTree(event.message()));
    }
    return out;
  }

  private static boolean streamExists(String group, String stream) {
    try {
      return logs.describeLogStreams(r -> r.logGroupName(group).logStreamNamePrefix(stream)).logStreams().stream()
          .anyMatch(s -> s.logStreamName().equals(stream));
    } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException e) {
      return false;
    }
  }

  /** The captured ADOT records with their times moved to just before now (moto rejects > 14 days). */
  private static ExportLogsServiceRequest freshAdotLogs() throws Exception {
    ExportLogsServiceRequest request = OtlpJsonCodec.parseLogs(Files.readAllBytes(ADOT_LOGS));
    long earliest = Long.MAX_VALUE;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          earliest = Math.min(earliest, r.getTimeUnixNano());
        }
      }
    }
    long shift = Instant.now().minusSeconds(30).toEpochMilli() * 1_000_000L - earliest;
    ExportLogsServiceRequest.Builder out = request.toBuilder();
    for (ResourceLogs.Builder rl : out.getResourceLogsBuilderList()) {
      for (ScopeLogs.Builder sl : rl.getScopeLogsBuilderList()) {
        for (LogRecord.Builder r : sl.getLogRecordsBuilderList()) {
          r.setTimeUnixNano(r.getTimeUnixNano() + shift).setObservedTimeUnixNano(r.getObservedTimeUnixNano() + shift);
        }
      }
    }
    return out.build();
  }

  @Test
  void adotContentLogRecordsAreForwardedToTheAgentsLogGroup() throws Exception {
    String group = "/aws/bedrock-agentcore/runtimes/interop-adot";
    ExportLogsServiceRequest request = freshAdotLogs();
    int records = request.getResourceLogsList().stream().flatMap(rl -> rl.getScopeLogsList().stream())
        .mapToInt(ScopeLogs::getLogRecordsCount).sum();
    try (CloudWatchExport export = CloudWatchExport.create(config(group, "runtime-logs")
        .traces(CloudWatchExportConfig.Traces.NONE).build())) {
      assertThat(export.forwardLogs("tenant-a", request)).isTrue();
      assertThat(export.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export.stats().get(Counter.LOG_RECORDS_ACCEPTED)).isEqualTo(records);
      assertThat(export.stats().get(Counter.LOG_EVENTS_SENT)).isEqualTo(records);
      assertThat(export.stats().get(Counter.LOG_EVENTS_FAILED)).isZero();
      assertThat(export.stats().get(Counter.LOG_BATCHES)).isEqualTo(1);
    }
    List<JsonNode> events = events(group, "runtime-logs");
    assertThat(events).hasSize(records).allSatisfy(e -> {
      assertThat(e.at("/resource/attributes/service.name").asText()).isEqualTo("calculator-agent-adot");
      assertThat(e.at("/scope/name").asText()).isEqualTo("strands.telemetry.tracer");
      assertThat(e.at("/body/input/messages").isArray()).isTrue();
      assertThat(e.at("/body/output/messages").isArray()).isTrue();
      assertThat(e.at("/traceId").asText()).hasSize(32);
      assertThat(e.at("/spanId").asText()).hasSize(16);
      assertThat(e.at("/attributes/tenant").asText()).isEqualTo("tenant-a");
    });
    assertThat(events.toString()).contains("What is 17 * 23? Use the calculator.");
  }

  /**
   * Both exporters on: an agent (here the OTel SDK standing in for the runtime, with the runtime's
   * resource marker) exports to CloudWatch itself and to TraceBridge, whose receiver forwards what
   * it gets to CloudWatch too. Each model call's EMF line, each content event, each hook record and
   * each segment reaches CloudWatch once.
   */
  @Test
  void bothExportersOnEverythingOnce() throws Exception {
    String group = "/tracebridge/interop-once";
    CloudWatchExport runtime = CloudWatchExport.create(config(group, "runtime").build());
    CloudWatchExport receiver = CloudWatchExport.create(config(group, "receiver").build());
    String traceId;
    io.opentelemetry.sdk.resources.Resource resource = io.opentelemetry.sdk.resources.Resource.getDefault()
        .merge(io.opentelemetry.sdk.resources.Resource.create(Attributes.builder().put("service.name", "calc-agent")
            .put(CloudWatchExport.EXPORTED_ATTRIBUTE, true)
            .put(AttributeKey.stringArrayKey("aws.log.group.names"), List.of(group)).build()));
    InMemorySpanExporter toReceiver = InMemorySpanExporter.create();
    InMemoryLogRecordExporter recordsToReceiver = InMemoryLogRecordExporter.create();
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(runtime.spanExporter()))
            .addSpanProcessor(SimpleSpanProcessor.create(toReceiver)).build();
        SdkLoggerProvider logging = SdkLoggerProvider.builder().setResource(resource)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(runtime.logRecordExporter()))
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(recordsToReceiver)).build()) {
      Tracer tracer = tracing.get("io.tracebridge.runtime");
      Logger hooks = logging.get("io.tracebridge.runtime.hooks");
      Span agent = tracer.spanBuilder("invoke_agent calc").setAttribute("gen_ai.operation.name", "invoke_agent")
          .setAttribute("session.id", "sess-once").startSpan();
      traceId = agent.getSpanContext().getTraceId();
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
            // The client span of the call: a remote node (AWS::BedrockRuntime) in the trace map.
            Span client = tracer.spanBuilder("BedrockRuntime.Converse").setSpanKind(SpanKind.CLIENT)
                .setAttribute("rpc.system", "aws-api").setAttribute("rpc.service", "BedrockRuntime")
                .setAttribute("rpc.method", "Converse").setAttribute("aws.remote.service", "AWS::BedrockRuntime")
                .setAttribute("server.address", "bedrock-runtime.us-east-1.amazonaws.com").startSpan();
            client.end();
            chat.addEvent("gen_ai.choice", Attributes.of(AttributeKey.stringKey("message"), "[{\"text\": \"a" + call + "\"}]"));
          } finally {
            chat.end();
          }
        }
      } finally {
        agent.end();
      }
      assertThat(receiver.forward("tenant-a", SpanDataConverter.toRequest(toReceiver.getFinishedSpanItems()))).isTrue();
      assertThat(receiver.forwardLogs("tenant-a", LogDataConverter.toRequest(recordsToReceiver.getFinishedLogRecordItems())))
          .isTrue();
    }
    assertThat(runtime.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(receiver.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    ExportStats runtimeStats = runtime.stats();
    ExportStats receiverStats = receiver.stats();
    runtime.close();
    receiver.close();

    assertThat(runtimeStats.get(Counter.SEGMENTS_SENT)).isEqualTo(5);
    assertThat(receiverStats.get(Counter.SPANS_SKIPPED_ALREADY_EXPORTED)).isEqualTo(5);
    assertThat(receiverStats.get(Counter.LOG_RECORDS_SKIPPED_ALREADY_EXPORTED)).isEqualTo(2);
    assertThat(receiverStats.get(Counter.SEGMENTS_SENT)).isZero();
    assertThat(streamExists(group, "receiver")).as("the receiver wrote nothing").isFalse();

    List<JsonNode> events = events(group, "runtime");
    List<JsonNode> emf = events.stream().filter(e -> e.has("_aws")).toList();
    assertThat(emf).hasSize(2);
    assertThat(emf.stream().mapToLong(e -> e.get("InputTokens").asLong()).sum()).isEqualTo(200);
    List<JsonNode> content = events.stream().filter(e -> e.at("/body/input").isObject()).toList();
    assertThat(content).hasSize(2).allSatisfy(e -> {
      assertThat(e.at("/body/input/messages")).hasSize(1);
      assertThat(e.at("/body/output/messages")).hasSize(1);
      assertThat(e.at("/traceId").asText()).isEqualTo(traceId);
    });
    assertThat(content.stream().map(e -> e.get("spanId").asText()).distinct().count()).isEqualTo(2);
    assertThat(events.stream().filter(e -> "model_request".equals(e.at("/attributes/event.name").asText())).count())
        .isEqualTo(2);

    String xrayId = "1-" + traceId.substring(0, 8) + "-" + traceId.substring(8);
    BatchGetTracesResponse traces = xray.batchGetTraces(r -> r.traceIds(xrayId));
    List<JsonNode> documents = new ArrayList<>();
    for (Segment segment : traces.traces().get(0).segments()) {
      documents.add(JSON.readTree(segment.document()));
    }
    assertThat(documents).as("each span once").hasSize(5);
    JsonNode root = documents.stream().filter(d -> !d.has("parent_id")).findFirst().orElseThrow();
    assertThat(root.at("/aws/cloudwatch_logs/0/log_group").asText()).isEqualTo(group);
    List<JsonNode> remote = documents.stream().filter(d -> "aws".equals(d.path("namespace").asText())).toList();
    assertThat(remote).hasSize(2).allSatisfy(d -> assertThat(d.get("name").asText()).isEqualTo("AWS::BedrockRuntime"));
  }

  @Test
  void contentEventsStayWithinTheLimitsAndSayWhatWasCut() throws Exception {
    String group = "/tracebridge/interop-limits";
    String traceHex = Long.toHexString(Instant.now().getEpochSecond()) + "5555555555555555555555ee";
    ByteString traceId = ByteString.copyFrom(HexFormat.of().parseHex(traceHex));
    long now = Instant.now().minusSeconds(10).toEpochMilli() * 1_000_000L;
    ScopeSpans.Builder spans = ScopeSpans.newBuilder();
    String huge = "x".repeat(400_000);
    String large = "y".repeat(180_000);
    for (int i = 0; i < 12; i++) {
      spans.addSpans(io.opentelemetry.proto.trace.v1.Span.newBuilder().setTraceId(traceId)
          .setSpanId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, (byte) (i + 1)}))
          .setName("chat").setStartTimeUnixNano(now + i).setEndTimeUnixNano(now + i + 1000)
          .addAttributes(kv("gen_ai.operation.name", "chat"))
          .addAttributes(kv("gen_ai.prompt", i == 0 ? huge : large))
          .addAttributes(kv("gen_ai.completion", "ok " + i)));
    }
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "big-agent"))).addScopeSpans(spans)).build();
    try (CloudWatchExport export = CloudWatchExport.create(config(group, "s").traces(CloudWatchExportConfig.Traces.NONE)
        .emfMetrics(false).build())) {
      assertThat(export.forward("t", request)).isTrue();
      assertThat(export.flush().join(60, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export.stats().get(Counter.LOG_EVENTS_SENT)).isEqualTo(12);
      assertThat(export.stats().get(Counter.LOG_EVENTS_TRUNCATED)).isEqualTo(1);
      // 11 events of ~180 KB and one of ~256 KB: at most 1 MB (26 B per event counted) a batch.
      assertThat(export.stats().get(Counter.LOG_BATCHES)).isEqualTo(3);
      assertThat(export.stats().get(Counter.LOG_BYTES) / export.stats().get(Counter.LOG_BATCHES))
          .isLessThanOrEqualTo(LogEventBatcher.MAX_BATCH_BYTES);
    }
    List<JsonNode> events = events(group, "s");
    assertThat(events).hasSize(12);
    JsonNode cut = events.stream().filter(e -> e.at("/attributes/tracebridge.truncated").asBoolean()).findFirst().orElseThrow();
    assertThat(cut.at("/attributes/tracebridge.original_bytes").asInt()).isGreaterThan(400_000);
    String prompt = cut.at("/body/input/messages/0/content").asText();
    assertThat(prompt).endsWith("…[truncated 400000 bytes]");
    assertThat(prompt.length()).as("cut to fill 256 KB, not to a preview").isGreaterThan(250_000);
    assertThat(events).filteredOn(e -> !e.at("/attributes/tracebridge.truncated").asBoolean())
        .allSatisfy(e -> assertThat(e.at("/body/input/messages/0/content").asText()).isEqualTo(large));
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  @Test
  void countersAddUpAsPrometheusFamilies() throws Exception {
    String group = "/tracebridge/interop-counters";
    try (CloudWatchExport export = CloudWatchExport.create(config(group, "s").build())) {
      export.forwardLogs("t", freshAdotLogs());
      assertThat(export.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      Map<String, Long> families = new HashMap<>();
      for (ExportStats.Metric metric : ExportStats.metrics()) {
        families.merge(metric.name() + metric.tags(), metric.value(export.stats()), Long::sum);
      }
      assertThat(families).containsEntry("tracebridge.cloudwatch.log.records.queued{}", 6L)
          .containsEntry("tracebridge.cloudwatch.log.events.sent{}", 6L)
          .containsEntry("tracebridge.cloudwatch.log.events.dropped{reason=rejected}", 0L)
          .containsEntry("tracebridge.cloudwatch.batches{api=PutLogEvents}", 1L);
      assertThat(families.get("tracebridge.cloudwatch.bytes{api=PutLogEvents}")).isPositive();
    }
  }
}
