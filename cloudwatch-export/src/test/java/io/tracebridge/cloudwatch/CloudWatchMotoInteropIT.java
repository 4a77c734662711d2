package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.ExportStats.Counter;
import io.tracebridge.aws.TransportRetryPolicy;
import io.tracebridge.cloudwatch.internal.ExportRetries;
import io.tracebridge.cloudwatch.logs.CloudWatchLogsSender;
import io.tracebridge.cloudwatch.logs.LogEvent;
import io.tracebridge.cloudwatch.logs.LogEventBatcher;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import io.tracebridge.cloudwatch.xray.XRaySegmentSender;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * The export against moto's server mode on loopback, which speaks the real X-Ray and CloudWatch
 * Logs wire protocols (REST-JSON and JSON 1.1, SigV4-routed). Run with {@code -Pinterop} after
 * {@code .ci/interop-moto.sh}.
 *
 * <p>What moto checks and what it does not: PutTraceSegments validates JSON and required fields
 * (id, name, trace_id, start_time, end_time or in_progress) and returns the rest as unprocessed;
 * no 64 KB, 50-per-call or trace id epoch checks. GetTraceSummaries returns finished traces in
 * the time window (no filter expressions; annotations empty). PutLogEvents enforces chronological
 * order; no batch byte, count or 24 h checks; no EMF extraction (so EMF lines are asserted as log
 * events).
 */
class CloudWatchMotoInteropIT {
  private static final ObjectMapper JSON = SegmentJson.mapper();
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  private static final String REGION = "us-east-1";

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

  private static CloudWatchExportConfig.Builder config(String logGroup) {
    return CloudWatchExportConfig.builder()
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .xrayEndpoint(moto.endpoint())
        .logsEndpoint(moto.endpoint())
        .logGroup(logGroup)
        .logStream("interop")
        .emfNamespace("TraceBridgeInterop")
        .initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(100));
  }

  /** A fixture with its trace id replaced and its times moved to just before now. */
  private static ExportTraceServiceRequest fresh(String fixture, String traceIdHex) {
    ExportTraceServiceRequest request = OtlpJson.read(Path.of("src/test/resources/testdata", fixture, "input.otlp.json"));
    long earliest = Long.MAX_VALUE;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          earliest = Math.min(earliest, span.getStartTimeUnixNano());
        }
      }
    }
    long shift = (Instant.now().minusSeconds(30).toEpochMilli() * 1_000_000L) - earliest;
    com.google.protobuf.ByteString traceId = com.google.protobuf.ByteString.copyFrom(java.util.HexFormat.of().parseHex(traceIdHex));
    ExportTraceServiceRequest.Builder out = request.toBuilder();
    for (ResourceSpans.Builder rs : out.getResourceSpansBuilderList()) {
      for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
        for (Span.Builder span : ss.getSpansBuilderList()) {
          span.setTraceId(traceId)
              .setStartTimeUnixNano(span.getStartTimeUnixNano() + shift)
              .setEndTimeUnixNano(span.getEndTimeUnixNano() + shift);
          for (Span.Event.Builder event : span.getEventsBuilderList()) {
            event.setTimeUnixNano(event.getTimeUnixNano() + shift);
          }
        }
      }
    }
    return out.build();
  }

  /** A SigV4-signed REST-JSON POST to moto's X-Ray API, read back as a JSON tree. */
  private static JsonNode rawXRayPost(String path, String body) throws Exception {
    java.net.URI uri = moto.endpoint().resolve(path);
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var signed = software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.create().sign(r -> r
        .identity(CREDENTIALS.resolveCredentials())
        .request(software.amazon.awssdk.http.SdkHttpFullRequest.builder()
            .method(software.amazon.awssdk.http.SdkHttpMethod.POST).uri(uri)
            .putHeader("Content-Type", "application/json").build())
        .payload(software.amazon.awssdk.http.ContentStreamProvider.fromByteArray(bytes))
        .putProperty(software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.SERVICE_SIGNING_NAME, "xray")
        .putProperty(software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.REGION_NAME, REGION));
    var request = java.net.http.HttpRequest.newBuilder(uri).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes));
    signed.request().headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
        values.forEach(v -> request.header(name, v));
      }
    });
    var response = java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String xrayId(String hex) {
    return "1-" + hex.substring(0, 8) + "-" + hex.substring(8);
  }

  @Test
  void segmentsArePutAndReadBack() throws Exception {
    String traceHex = Long.toHexString(Instant.now().getEpochSecond()) + "0123456789abcdef01234567";
    try (CloudWatchExport export = CloudWatchExport.create(config("/tracebridge/interop-xray").build())) {
      assertThat(export.forward("tenant-a", fresh("xray/strands_agent_root_segment_named_after_service_events_kept", traceHex))).isTrue();
      assertThat(export.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export.stats().get(Counter.SEGMENTS_SENT)).isEqualTo(4);
      assertThat(export.stats().droppedSpans()).isZero();
    }

    BatchGetTracesResponse traces = xray.batchGetTraces(r -> r.traceIds(xrayId(traceHex)));
    assertThat(traces.unprocessedTraceIds()).isEmpty();
    assertThat(traces.traces()).hasSize(1);
    List<JsonNode> documents = new ArrayList<>();
    for (Segment segment : traces.traces().get(0).segments()) {
      documents.add(JSON.readTree(segment.document()));
    }
    assertThat(documents).extracting(d -> d.get("name").asText())
        .containsExactlyInAnyOrder("calculator-agent", "execute_event_loop_cycle", "chat", "execute_tool calculate");
    JsonNode root = documents.stream().filter(d -> !d.has("parent_id")).findFirst().orElseThrow();
    assertThat(root.at("/annotations/session_id").asText()).isEqualTo("sess-42");
    assertThat(root.at("/metadata/otel/events/1/attributes/message").asText()).isEqualTo("6 times 7 is 42.");

    // GetTraceSummaries: moto answers "Users": {} where the API (and the Java SDK) has a list, so
    // the SDK client cannot read moto's reply; the call is made as a signed raw request instead.
    Instant now = Instant.now();
    JsonNode summaries = rawXRayPost("/TraceSummaries",
        "{\"StartTime\":" + now.minusSeconds(3600).getEpochSecond() + ",\"EndTime\":" + now.plusSeconds(3600).getEpochSecond() + "}");
    List<String> ids = new ArrayList<>();
    summaries.path("TraceSummaries").forEach(t -> ids.add(t.path("Id").asText()));
    assertThat(ids).contains(xrayId(traceHex));
  }

  @Test
  void oversizedAndManySegmentsAreAcceptedInBatchesOfFifty() throws Exception {
    String bigHex = Long.toHexString(Instant.now().getEpochSecond()) + "1111111111111111111111aa";
    String manyHex = Long.toHexString(Instant.now().getEpochSecond()) + "2222222222222222222222bb";
    try (CloudWatchExport export = CloudWatchExport.create(config("/tracebridge/interop-batches").build())) {
      export.forward("tenant-a", fresh("xray/oversized_completion_trimmed_under_64kb_and_marked", bigHex));
      export.forward("tenant-a", fresh("xray/one_hundred_twenty_spans_in_batches_of_fifty", manyHex));
      assertThat(export.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export.stats().get(Counter.SEGMENTS_SENT)).isEqualTo(121);
      assertThat(export.stats().get(Counter.SEGMENTS_TRIMMED)).isEqualTo(1);
    }
    BatchGetTracesResponse big = xray.batchGetTraces(r -> r.traceIds(xrayId(bigHex)));
    JsonNode trimmed = JSON.readTree(big.traces().get(0).segments().get(0).document());
    assertThat(trimmed.at("/metadata/tracebridge/trimmed").asBoolean()).isTrue();
    assertThat(big.traces().get(0).segments().get(0).document().length()).isLessThanOrEqualTo(64 * 1024);

    BatchGetTracesResponse many = xray.batchGetTraces(r -> r.traceIds(xrayId(manyHex)));
    assertThat(many.traces().get(0).segments()).hasSize(120);
  }

  @Test
  void invalidDocumentsComeBackUnprocessedAndAreNotRetried() {
    ExportRetries retries = new ExportRetries(new TransportRetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)), d -> { });
    XRaySegmentSender sender = new XRaySegmentSender(xray, retries.rounds());
    String hex = Long.toHexString(Instant.now().getEpochSecond()) + "3333333333333333333333cc";
    String good = "{\"name\":\"ok\",\"id\":\"aaaaaaaaaaaaaaaa\",\"trace_id\":\"" + xrayId(hex)
        + "\",\"start_time\":1,\"end_time\":2}";
    String missingName = "{\"id\":\"bbbbbbbbbbbbbbbb\",\"trace_id\":\"" + xrayId(hex) + "\",\"start_time\":1,\"end_time\":2}";
    XRaySegmentSender.Result result = sender.send(List.of(
        new SegmentTranslator.SegmentDocument("aaaaaaaaaaaaaaaa", xrayId(hex), good, good.length(), false),
        new SegmentTranslator.SegmentDocument("bbbbbbbbbbbbbbbb", xrayId(hex), missingName, missingName.length(), false)));

    assertThat(result.sent()).isEqualTo(1);
    assertThat(result.rejected()).isEqualTo(1);
    assertThat(result.failures()).singleElement().asString().contains("MissingParam");
    assertThat(retries.retries()).isZero();
  }

  @Test
  void contentEventsAndEmfLinesArePutAndReadBack() throws Exception {
    String group = "/tracebridge/interop-logs";
    String traceHex = Long.toHexString(Instant.now().getEpochSecond()) + "4444444444444444444444dd";
    try (CloudWatchExport export = CloudWatchExport.create(config(group).traces(CloudWatchExportConfig.Traces.NONE).build())) {
      export.forward("tenant-a", fresh("logs/strands_legacy_events_one_content_event_per_span_emf_for_chat_only", traceHex));
      assertThat(export.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export.stats().get(Counter.LOG_EVENTS_SENT)).isEqualTo(4);
      assertThat(export.stats().get(Counter.LOG_EVENTS_FAILED)).isZero();
    }

    List<OutputLogEvent> events = logs.getLogEvents(r -> r.logGroupName(group).logStreamName("interop").startFromHead(true)).events();
    assertThat(events).hasSize(4);
    assertThat(events).extracting(OutputLogEvent::timestamp).isSorted();
    List<JsonNode> messages = new ArrayList<>();
    for (OutputLogEvent event : events) {
      messages.add(JSON.readTree(event.message()));
    }
    List<JsonNode> content = messages.stream().filter(m -> m.has("body")).toList();
    assertThat(content).hasSize(3).allSatisfy(m -> {
      assertThat(m.get("traceId").asText()).isEqualTo(traceHex);
      assertThat(m.at("/body/input/messages").isArray()).isTrue();
      assertThat(m.at("/attributes/tenant").asText()).isEqualTo("tenant-a");
    });
    assertThat(content).anySatisfy(m -> assertThat(m.at("/attributes/session.id").asText()).isEqualTo("sess-42"));
    List<JsonNode> emf = messages.stream().filter(m -> m.has("_aws")).toList();
    assertThat(emf).singleElement().satisfies(m -> {
      assertThat(m.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("TraceBridgeInterop");
      assertThat(m.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString()).isEqualTo("[\"agent\",\"model\"]");
      assertThat(m.get("InputTokens").asLong()).isEqualTo(1000);
      assertThat(m.get("OutputTokens").asLong()).isEqualTo(120);
      assertThat(m.get("TotalTokens").asLong()).isEqualTo(1120);
    });

    var filtered = logs.filterLogEvents(r -> r.logGroupName(group).filterPattern("\"_aws\""));
    assertThat(filtered.events()).hasSize(1);
  }

  @Test
  void outOfOrderEventsAreSortedSoMotoAcceptsThem() {
    String group = "/tracebridge/interop-order";
    CloudWatchLogsSender sender = new CloudWatchLogsSender(logs, group, "s", new LogEventBatcher());
    long now = Instant.now().toEpochMilli();
    CloudWatchLogsSender.Result result = sender.send(List.of(
        new LogEvent(now, "{\"n\":3}"), new LogEvent(now - 2000, "{\"n\":1}"), new LogEvent(now - 1000, "{\"n\":2}")));

    assertThat(result.sent()).isEqualTo(3);
    assertThat(logs.getLogEvents(r -> r.logGroupName(group).logStreamName("s").startFromHead(true)).events())
        .extracting(OutputLogEvent::message).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
  }

  @Test
  void eventsTooOldAreReportedRejectedNotRetried() {
    String group = "/tracebridge/interop-rejected";
    ExportRetries retries = new ExportRetries(new TransportRetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)), d -> { });
    CloudWatchLogsSender.Result result;
    // A client with the export's strategy and retry counter: rejected events are no transport failure.
    try (CloudWatchLogsClient counted = CloudWatchLogsClient.builder().region(Region.of(REGION)).credentialsProvider(CREDENTIALS)
        .endpointOverride(moto.endpoint()).httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(retries.clientOverride()).build()) {
      CloudWatchLogsSender sender = new CloudWatchLogsSender(counted, group, "s", new LogEventBatcher());
      long now = Instant.now().toEpochMilli();
      result = sender.send(List.of(
          new LogEvent(now - Duration.ofDays(20).toMillis(), "{\"old\":true}"), new LogEvent(now, "{\"new\":true}")));
    }

    assertThat(result.sent()).isEqualTo(1);
    assertThat(result.rejected()).isEqualTo(1);
    assertThat(retries.retries()).isZero();
  }
}
