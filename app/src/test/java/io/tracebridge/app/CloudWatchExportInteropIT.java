package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.tracebridge.cloudwatch.CloudWatchExportConfig;
import io.tracebridge.cloudwatch.MotoServer;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import io.tracebridge.runtime.AgentRuntimeMain;
import io.tracebridge.runtime.RuntimeConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import software.amazon.awssdk.services.xray.model.Segment;

/**
 * Both CloudWatch exporters on, end to end, against moto (X-Ray and CloudWatch Logs wire
 * protocols on loopback): the real runtime ({@code AgentRuntimeMain.start}, an OpenAI-compatible
 * model on a loopback endpoint, the demo calculator) exports to CloudWatch itself and over OTLP to
 * the stack, whose receiver forwards to CloudWatch as well. Every segment, EMF line, content event
 * and hook-event record reaches CloudWatch once (the runtime's), the client spans of the model
 * calls are remote nodes, the receiver still forwards what an ADOT producer sends it (log records),
 * and {@code /metrics} counts it all. Run with {@code -Pinterop} after {@code .ci/interop-moto.sh}.
 */
class CloudWatchExportInteropIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REGION = "us-east-1";
  private static final String GROUP = "/aws/bedrock-agentcore/runtimes/interop-both";
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private static MotoServer moto;
  private static HttpServer openAi;
  private static EmbeddedStack stack;
  private static CloudWatchLogsClient logs;
  private static XRayClient xray;
  private static final AtomicInteger chatCalls = new AtomicInteger();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    logs = CloudWatchLogsClient.builder().region(Region.of(REGION)).credentialsProvider(CREDENTIALS)
        .endpointOverride(moto.endpoint()).httpClient(UrlConnectionHttpClient.create()).build();
    xray = XRayClient.builder().region(Region.of(REGION)).credentialsProvider(CREDENTIALS)
        .endpointOverride(moto.endpoint()).httpClient(UrlConnectionHttpClient.create()).build();
    // A chat-completions endpoint: first a calculate call, then the answer.
    openAi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    openAi.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().readAllBytes();
      String body = chatCalls.getAndIncrement() % 2 == 0
          ? "{\"choices\":[{\"index\":0,\"finish_reason\":\"tool_calls\",\"message\":{\"role\":\"assistant\",\"content\":null,"
              + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"calculate\",\"arguments\":"
              + "\"{\\\"toolParameters\\\":{\\\"operand1\\\":12,\\\"operand2\\\":7,\\\"operation\\\":\\\"multiply\\\"}}\"}}]}}],"
              + "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":25,\"total_tokens\":125}}"
          : "{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"It is 84.\"}}],"
              + "\"usage\":{\"prompt_tokens\":150,\"completion_tokens\":5,\"total_tokens\":155}}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("content-type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    openAi.start();
    stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral().toBuilder()
        .cloudWatch(config("receiver").credentialsProvider(CREDENTIALS).build())
        .build());
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (openAi != null) {
      openAi.stop(0);
    }
    if (logs != null) {
      logs.close();
      xray.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private static CloudWatchExportConfig.Builder config(String stream) {
    return CloudWatchExportConfig.builder().enabled(true).region(REGION).xrayEndpoint(moto.endpoint())
        .logsEndpoint(moto.endpoint()).logGroup(GROUP).logStream(stream).emfNamespace("TraceBridgeInterop")
        .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(100));
  }

  private String metrics() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.webBaseUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double metric(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{" + labels + ",?\\}\\s+([0-9.eE+-]+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static double metric(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{\\})?\\s+([0-9.eE+-]+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  /** Waits for a condition the system reaches on its own (bounded, so a broken build fails). */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static List<JsonNode> events(String stream) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (OutputLogEvent e : logs.getLogEvents(r -> r.logGroupName(GROUP).logStreamName(stream).startFromHead(true)).events()) {
      out.add(JSON.readTree(e.message()));
    }
    return out;
  }

  private static boolean streamExists(String stream) {
    try {
      return logs.describeLogStreams(r -> r.logGroupName(GROUP).logStreamNamePrefix(stream)).logStreams().stream()
          .anyMatch(s -> s.logStreamName().equals(stream));
    } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException e) {
      return false;
    }
  }

  @Test
  void bothExportersOnEverythingReachesCloudWatchOnceAndMetricsCountIt() throws Exception {
    String traceId;
    String previousKey = System.getProperty("aws.accessKeyId");
    String previousSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    try {
      Map<String, String> env = Map.of(
          "TRACEBRIDGE_CLOUDWATCH_ENABLED", "true",
          "TRACEBRIDGE_CLOUDWATCH_REGION", REGION,
          "TRACEBRIDGE_CLOUDWATCH_XRAY_ENDPOINT", moto.endpoint().toString(),
          "TRACEBRIDGE_CLOUDWATCH_LOGS_ENDPOINT", moto.endpoint().toString(),
          "TRACEBRIDGE_CLOUDWATCH_LOG_GROUP", GROUP,
          "TRACEBRIDGE_CLOUDWATCH_LOG_STREAM", "runtime",
          "TRACEBRIDGE_CLOUDWATCH_EMF_NAMESPACE", "TraceBridgeInterop");
      RuntimeConfig config = RuntimeConfig.builder().host("127.0.0.1").port(0).demoTools(true)
          .modelId("openai:gpt-4o-mini").openAiApiKey("sk-test")
          .openAiBaseUrl("http://127.0.0.1:" + openAi.getAddress().getPort() + "/v1").build();
      try (AgentRuntimeMain.Running runtime = AgentRuntimeMain.start(config, env,
          Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + stack.grpcPort()))) {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + runtime.port() + "/invocations"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"What is 12*7?\",\"session_id\":\"sess-cw-both\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        traceId = JSON.readTree(reply.body()).path("trace_id").asText();
      }
      // Closed: the runtime's SDK flushed both exports (OTLP to the stack, and CloudWatch).
    } finally {
      restore("aws.accessKeyId", previousKey);
      restore("aws.secretAccessKey", previousSecret);
    }

    // 8 spans (agent, 2 cycles, 2 chats, 1 tool, 2 client spans) and 8 hook records reached the
    // receiver, which skipped them all for CloudWatch.
    await("the receiver to skip the runtime's spans and records", () -> {
      try {
        String scrape = metrics();
        return metric(scrape, "tracebridge_cloudwatch_spans_skipped_total", "reason=\"already_exported\"") >= 8
            && metric(scrape, "tracebridge_cloudwatch_log_records_skipped_total", "reason=\"already_exported\"") >= 8;
      } catch (Exception e) {
        return false;
      }
    });
    String scrape = metrics();
    assertThat(metric(scrape, "tracebridge_cloudwatch_spans_skipped_total", "reason=\"already_exported\"")).isEqualTo(8);
    assertThat(metric(scrape, "tracebridge_cloudwatch_log_records_skipped_total", "reason=\"already_exported\"")).isEqualTo(8);
    assertThat(metric(scrape, "tracebridge_cloudwatch_spans_queued_total")).isZero();
    assertThat(metric(scrape, "tracebridge_cloudwatch_spans_dropped_total", "reason=\"queue_full\"")).isZero();
    assertThat(streamExists("receiver")).as("the receiver wrote nothing for the runtime's run").isFalse();

    List<JsonNode> events = events("runtime");
    List<JsonNode> emf = events.stream().filter(e -> e.has("_aws")).toList();
    assertThat(emf).as("one EMF line per model call").hasSize(2);
    assertThat(emf).extracting(e -> e.get("InputTokens").asLong()).containsExactlyInAnyOrder(100L, 150L);
    List<JsonNode> content = events.stream().filter(e -> e.at("/body/input").isObject()).toList();
    assertThat(content).isNotEmpty().allSatisfy(e -> {
      assertThat(e.get("traceId").asText()).isEqualTo(traceId);
      assertThat(e.at("/resource/attributes/tracebridge.cloudwatch.exported").asBoolean()).isTrue();
    });
    assertThat(content.stream().map(e -> e.get("spanId").asText()).distinct().count())
        .as("one content event per span").isEqualTo(content.size());
    List<JsonNode> chatContent = content.stream()
        .filter(e -> e.at("/body/output/messages").toString().contains("It is 84.")
            && e.at("/body/input/messages").toString().contains("\"toolResult\"")).toList();
    assertThat(chatContent).as("the second model call's content event").hasSize(1);
    assertThat(chatContent.get(0).at("/body/output/messages")).as("the reply once, not again from model_response").hasSize(1);
    List<JsonNode> hooks = events.stream().filter(e -> "io.tracebridge.runtime.hooks".equals(e.at("/scope/name").asText())).toList();
    assertThat(hooks).extracting(e -> e.at("/attributes/event.name").asText()).containsExactlyInAnyOrder(
        "agent_prompt", "model_request", "model_response", "tool_request", "tool_response",
        "model_request", "model_response", "agent_response");

    String xrayId = "1-" + traceId.substring(0, 8) + "-" + traceId.substring(8);
    List<JsonNode> documents = new ArrayList<>();
    for (Segment segment : xray.batchGetTraces(r -> r.traceIds(xrayId)).traces().get(0).segments()) {
      documents.add(JSON.readTree(segment.document()));
    }
    assertThat(documents).as("each span once").hasSize(8);
    assertThat(documents).filteredOn(d -> "remote".equals(d.path("namespace").asText()))
        .hasSize(2).allSatisfy(d -> assertThat(d.get("name").asText()).isEqualTo("OpenAI"));
    JsonNode root = documents.stream().filter(d -> !d.has("parent_id")).findFirst().orElseThrow();
    assertThat(root.at("/aws/cloudwatch_logs/0/log_group").asText()).isEqualTo(GROUP);

    // A producer that exports only to TraceBridge (ADOT content logs): the receiver forwards it.
    ExportLogsServiceRequest adot = freshAdotLogs();
    HttpResponse<byte[]> accepted = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + stack.httpPort() + "/v1/logs"))
        .header("content-type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(adot.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(accepted.statusCode()).isEqualTo(200);
    await("the receiver to forward the ADOT records", () -> {
      try {
        return metric(metrics(), "tracebridge_cloudwatch_log_events_sent_total") >= 6;
      } catch (Exception e) {
        return false;
      }
    });
    List<JsonNode> forwarded = events("receiver");
    assertThat(forwarded).hasSize(6).allSatisfy(e -> {
      assertThat(e.at("/resource/attributes/service.name").asText()).isEqualTo("calculator-agent-adot");
      assertThat(e.at("/body/input/messages").isArray()).isTrue();
      assertThat(e.at("/attributes/tenant").asText()).isNotBlank();
    });
    String after = metrics();
    assertThat(metric(after, "tracebridge_cloudwatch_log_records_queued_total")).isEqualTo(6);
    assertThat(metric(after, "tracebridge_cloudwatch_batches_total", "api=\"PutLogEvents\"")).isEqualTo(1);
    assertThat(metric(after, "tracebridge_cloudwatch_bytes_total", "api=\"PutLogEvents\"")).isPositive();
  }

  private static void restore(String key, String previous) {
    if (previous == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, previous);
    }
  }

  /** The ADOT distro's captured content records (cloudwatch-export's test data), times moved to now. */
  private static ExportLogsServiceRequest freshAdotLogs() throws Exception {
    byte[] json;
    try (InputStream in = CloudWatchExportInteropIT.class.getClassLoader().getResourceAsStream(
        "testdata/logrecords/adot_llo_content_records_forwarded_in_agentcore_shape/input.logs.otlp.json")) {
      assertThat(in).as("cloudwatch-export's test-jar on the classpath").isNotNull();
      json = in.readAllBytes();
    }
    ExportLogsServiceRequest request = OtlpJsonCodec.parseLogs(json);
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
}
