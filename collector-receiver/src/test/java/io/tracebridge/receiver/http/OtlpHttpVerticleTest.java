package io.tracebridge.receiver.http;

import static io.tracebridge.receiver.Spans.hookSpan;
import static io.tracebridge.receiver.Spans.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.BlockingTraceSink;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.RecordingTraceSink;
import io.tracebridge.receiver.TestKeys;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.receiver.WorkerBlockingTraceSink;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceSink;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OtlpHttpVerticleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Vertx vertx;
  private static HttpClient http;

  private String deployment;
  private int port;
  private OtlpIngest ingest;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void undeploy() throws Exception {
    if (deployment != null) {
      vertx.undeploy(deployment).await(10, TimeUnit.SECONDS);
    }
  }

  private void start(TraceSink durable) throws Exception {
    start(durable, ReceiverConfig.builder().grpcPort(0).httpPort(0).build());
  }

  private void start(TraceSink durable, ReceiverConfig config) throws Exception {
    SpanMapper mapper = new SpanMapper();
    ingest = new OtlpIngest(new TraceExportHandler(mapper, durable),
        new LogsExportHandler(mapper, durable), TestKeys.authenticator(), config);
    OtlpHttpVerticle verticle = new OtlpHttpVerticle(config, ingest);
    deployment = vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
    port = verticle.actualPort();
  }

  private HttpRequest.Builder post(String path, String contentType) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", contentType)
        .header("Authorization", TestKeys.bearer(TestKeys.KEY_A));
  }

  private static HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(response.body());
  }

  /** Real OTLP/JSON as the OpenTelemetry Java SDK's own marshaler writes it (hex ids). */
  private static byte[] sdkJsonOfOneToolSpan() throws IOException {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()) {
      provider.get("test").spanBuilder("execute_tool calculate")
          .setAttribute("session.id", "s-json")
          .startSpan()
          .addEvent("tool_request", Attributes.builder()
              .put("tool.name", "calculate").put("tool.input", "{\"a\":1}").build())
          .addEvent("tool_response", Attributes.builder().put("tool.output", "3").build())
          .end();
      // Read before close: shutting the provider down clears the in-memory exporter.
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TraceRequestMarshaler.create(spans.getFinishedSpanItems()).writeJsonTo(out);
      return out.toByteArray();
    }
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  @Test
  void sdkHttpExporterSendsGzippedProtobufAndTheKeyChoosesTheTenant() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable);
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + OtlpHttpVerticle.TRACES_PATH)
        .setCompression("gzip")
        .addHeader("Authorization", TestKeys.bearer(TestKeys.KEY_B))
        .build();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      provider.get("test").spanBuilder("invoke_agent a").setAttribute("session.id", "s-pb")
          .startSpan()
          .addEvent("agent_prompt", Attributes.builder().put("agent.prompt", "hello").build())
          .end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    assertThat(durable.records()).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecordType.PROMPT);
      assertThat(r.text()).isEqualTo("hello");
      assertThat(r.tenant()).isEqualTo(TestKeys.TENANT_B);
      assertThat(r.sessionId()).isEqualTo("s-pb");
    });
  }

  @Test
  void otlpJsonFromTheSdkMarshalerIsStoredAndAnsweredInJson() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable);

    HttpResponse<byte[]> response = send(post("/v1/traces", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(sdkJsonOfOneToolSpan())).build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).has("partialSuccess")).isFalse();
    List<FunctionalRecord> stored = durable.records();
    assertThat(stored).extracting(FunctionalRecord::type)
        .containsExactly(RecordType.TOOL_REQUEST, RecordType.TOOL_RESPONSE);
    assertThat(stored.get(0).tool().input()).isEqualTo("{\"a\":1}");
    assertThat(stored).allSatisfy(r -> {
      assertThat(r.sessionId()).isEqualTo("s-json");
      assertThat(r.tenant()).isEqualTo(TestKeys.TENANT_A);
    });
  }

  @Test
  void gzippedJsonWithSnakeCaseNamesAndAPartialSuccess() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable);
    String body = """
        {"resource_spans":[{"scope_spans":[{"spans":[
          {"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7",
           "name":"invoke_agent x","start_time_unix_nano":"1767225600000000000",
           "end_time_unix_nano":1767225600001000000, "some_future_field": true,
           "events":[{"time_unix_nano":"1767225600000000000","name":"agent_prompt",
             "attributes":[{"key":"agent.prompt","value":{"string_value":"hi"}}]}]},
          {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067",
           "name":"invoke_agent y","startTimeUnixNano":"1767225600000000000",
           "events":[{"timeUnixNano":"1767225600000000000","name":"agent_prompt",
             "attributes":[{"key":"agent.prompt","value":{"stringValue":"lost"}}]}]}
        ]}]}]}
        """;

    HttpResponse<byte[]> response = send(post("/v1/traces", "application/json")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(
            gzip(body.getBytes(StandardCharsets.UTF_8)))).build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode partial = json(response).get("partialSuccess");
    assertThat(partial.get("rejectedSpans").asLong()).isEqualTo(1);
    assertThat(partial.get("errorMessage").asText()).contains("1 span(s) rejected", "00f067");
    assertThat(durable.records()).singleElement()
        .satisfies(r -> assertThat(r.text()).isEqualTo("hi"));
  }

  @Test
  void protobufPartialSuccessIsAnsweredInProtobuf() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable);
    byte[] body = request(
        hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "kept"),
        hookSpan("0000000000000000", "agent_prompt", "agent.prompt", "lost")).toByteArray();

    HttpResponse<byte[]> response = send(post("/v1/traces", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    ExportTraceServiceResponse reply = ExportTraceServiceResponse.parseFrom(response.body());
    assertThat(reply.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(durable.records()).singleElement()
        .satisfies(r -> assertThat(r.text()).isEqualTo("kept"));
  }

  @Test
  void undecodableBodiesAre400WithAReasonAndStoreNothing() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable);

    HttpResponse<byte[]> garbage = send(post("/v1/traces", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01, 0x02}))
        .build());
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(com.google.rpc.Status.parseFrom(garbage.body()).getMessage())
        .startsWith("body is not a protobuf ExportTraceServiceRequest");

    HttpResponse<byte[]> notJson = send(post("/v1/traces", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceSpans\": [")).build());
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).get("message").asText()).startsWith("body is not valid JSON");

    HttpResponse<byte[]> badId = send(post("/v1/traces", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz!\"}]}]}]}"))
        .build());
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(json(badId).get("message").asText())
        .isEqualTo("traceId must be a hex string (OTLP/JSON), was \"xyz!\"");
    assertThat(json(badId).get("code").asInt()).isEqualTo(3); // INVALID_ARGUMENT

    HttpResponse<byte[]> badGzip = send(post("/v1/traces", "application/json")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(badGzip.statusCode()).isEqualTo(400);
    assertThat(json(badGzip).get("message").asText()).startsWith("body is not valid gzip");

    assertThat(durable.batchCount()).isZero();
    assertThat(ingest.inFlight()).isZero();
  }

  @Test
  void unknownContentTypesAndEncodingsAre415() throws Exception {
    start(new RecordingTraceSink());

    HttpResponse<byte[]> text = send(post("/v1/traces", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("hello")).build());
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(json(text).get("message").asText())
        .isEqualTo("Content-Type must be application/x-protobuf or application/json, "
            + "was \"text/plain\"");

    HttpResponse<byte[]> brotli = send(post("/v1/traces", "application/x-protobuf")
        .header("Content-Encoding", "br")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build());
    assertThat(brotli.statusCode()).isEqualTo(415);
  }

  @Test
  void bodiesAboveTheMaximumAre413CompressedOrNot() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable, ReceiverConfig.builder().grpcPort(0).httpPort(0)
        .maxInboundMessageBytes(4096).build());

    HttpResponse<byte[]> big = send(post("/v1/traces", "application/json")
        .version(HttpClient.Version.HTTP_1_1) // refused by Content-Length, before the body
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10_000])).build());
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(json(big).get("message").asText())
        .isEqualTo("body is larger than the maximum of 4096 bytes");

    byte[] bomb = gzip(("{\"resourceSpans\":[]" + " ".repeat(100_000) + "}")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(bomb.length).isLessThan(4096);
    HttpResponse<byte[]> inflated = send(post("/v1/traces", "application/json")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bomb)).build());
    assertThat(inflated.statusCode()).isEqualTo(413);
    assertThat(json(inflated).get("message").asText()).contains("inflates to more than");
    assertThat(durable.batchCount()).isZero();
    assertThat(ingest.inFlight()).isZero();
  }

  @Test
  void missingOrUnknownKeysAre401() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable);
    byte[] body = request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "x"))
        .toByteArray();

    HttpResponse<byte[]> none = send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/traces"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(json(none).get("message").asText()).contains("missing Authorization");

    HttpResponse<byte[]> unknown = send(post("/v1/traces", "application/x-protobuf")
        .setHeader("Authorization", "Bearer wrong")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(com.google.rpc.Status.parseFrom(unknown.body()).getMessage())
        .isEqualTo("unknown API key");
    assertThat(durable.batchCount()).isZero();
  }

  @Test
  void beyondTheInFlightBoundAnswers429WithRetryAfter() throws Exception {
    BlockingTraceSink slow = new BlockingTraceSink();
    start(slow, ReceiverConfig.builder().grpcPort(0).httpPort(0).maxExportsInFlight(1)
        .retryAfter(Duration.ofSeconds(2)).build());
    CompletableFuture<HttpResponse<byte[]>> first = http.sendAsync(
        post("/v1/traces", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(
            request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "1"))
                .toByteArray())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(slow.awaitCalled()).isTrue();

    HttpResponse<byte[]> second = send(post("/v1/traces", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(json(second).get("code").asInt()).isEqualTo(8); // RESOURCE_EXHAUSTED

    slow.release();
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(ingest.inFlight()).isZero();
  }

  @Test
  void storeFailuresAre503RetryOr400DoNotRetry() throws Exception {
    TraceSink throttled = r -> CompletableFuture.failedFuture(new StoreException("throttled", true));
    start(throttled);
    byte[] body = request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "x"))
        .toByteArray();
    HttpResponse<byte[]> retry = send(post("/v1/traces", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(retry.statusCode()).isEqualTo(503);
    assertThat(retry.headers().firstValue("Retry-After")).isPresent();
    assertThat(com.google.rpc.Status.parseFrom(retry.body()).getMessage())
        .isEqualTo("store: throttled");
    undeploy();

    start(r -> CompletableFuture.failedFuture(new StoreException("item too large", false)));
    HttpResponse<byte[]> permanent = send(post("/v1/traces", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(permanent.statusCode()).isEqualTo(400);
    assertThat(permanent.headers().firstValue("Retry-After")).isEmpty();
  }

  @Test
  void logsTakeProtobufAndJson() throws Exception {
    start(new RecordingTraceSink());
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1L))))
        .build();

    HttpResponse<byte[]> pb = send(post("/v1/logs", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(logs.toByteArray())).build());
    assertThat(pb.statusCode()).isEqualTo(200);

    HttpResponse<byte[]> json = send(post("/v1/logs", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"1\","
                + "\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"spanId\":\"00f067aa0ba902b7\",\"body\":{\"stringValue\":\"x\"}}]}]}]}"))
        .build());
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json(json).isObject()).isTrue();
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    start(new RecordingTraceSink());
    assertThat(send(post("/v1/metrics", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> get = send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/v1/traces")).GET().build());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void anExportWhoseConnectionClosedWhileItWaitedForAWorkerIsAbandonedBeforeTheStore()
      throws Exception {
    WorkerBlockingTraceSink store = new WorkerBlockingTraceSink();
    start(store, ReceiverConfig.builder().grpcPort(0).httpPort(0).build());
    byte[] body = request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "x"))
        .toByteArray();
    List<CompletableFuture<HttpResponse<byte[]>>> waiting = new ArrayList<>();
    for (int i = 0; i < OtlpHttpVerticle.WORKER_THREADS; i++) {
      waiting.add(http.sendAsync(post("/v1/traces", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray()));
    }
    store.awaitCalls(OtlpHttpVerticle.WORKER_THREADS); // every worker is held by the store

    try (Socket gone = new Socket("127.0.0.1", port)) {
      gone.setSoTimeout(30_000);
      gone.getOutputStream().write(("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: " + TestKeys.bearer(TestKeys.KEY_A) + "\r\n"
          + "Content-Type: application/x-protobuf\r\nContent-Length: " + body.length
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      gone.getOutputStream().write(body);
      gone.getOutputStream().flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (ingest.inFlight() <= OtlpHttpVerticle.WORKER_THREADS) { // admitted, queued
        assertThat(System.nanoTime() < deadline).as("the fifth export admitted").isTrue();
        Thread.sleep(20);
      }
      gone.shutdownOutput(); // the sender gives up; the server closes its side
      try {
        assertThat(gone.getInputStream().read()).isEqualTo(-1);
      } catch (SocketException reset) {
        // a reset is a close too
      }
    }

    store.release();
    for (CompletableFuture<HttpResponse<byte[]>> response : waiting) {
      assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ingest.abandoned() == 0) {
      assertThat(System.nanoTime() < deadline).as("the fifth export abandoned").isTrue();
      Thread.sleep(20);
    }
    assertThat(store.calls()).as("the abandoned export never reached the store")
        .isEqualTo(OtlpHttpVerticle.WORKER_THREADS);
    assertThat(ingest.inFlight()).isZero();
    assertThat(ingest.bytesInFlight()).isZero();
  }
}
