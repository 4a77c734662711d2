package io.tracebridge.receiver;

import static io.tracebridge.receiver.Spans.hookSpan;
import static io.tracebridge.receiver.Spans.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.grpc.OtlpGrpcReceiver;
import io.tracebridge.receiver.http.OtlpHttpVerticle;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceSink;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiver's counters in Prometheus text, over both real transports on loopback, one ingest
 * and one registry: what was accepted and what was refused (and why) moves the right line.
 */
class ReceiverMetricsTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** When set, the store fails every write as unavailable (retryable). */
  private final AtomicBoolean storeDown = new AtomicBoolean();
  private Vertx vertx;
  private OtlpGrpcReceiver grpc;
  private int httpPort;
  private ManagedChannel channel;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeEach
  void start() throws Exception {
    RecordingTraceSink recording = new RecordingTraceSink();
    TraceSink durable = records -> storeDown.get()
        ? CompletableFuture.failedFuture(new StoreException("table unavailable", true))
        : recording.accept(records);
    ReceiverConfig config = ReceiverConfig.builder().grpcPort(0).httpPort(0).build();
    SpanMapper mapper = new SpanMapper();
    OtlpIngest ingest = new OtlpIngest(
        new TraceExportHandler(mapper, durable),
        new LogsExportHandler(mapper, durable),
        TestKeys.authenticator(), config, new ReceiverMetrics(registry));
    grpc = OtlpGrpcReceiver.start(config, ingest);
    vertx = Vertx.vertx();
    OtlpHttpVerticle verticle = new OtlpHttpVerticle(config, ingest);
    vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
    httpPort = verticle.actualPort();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    grpc.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void countsBeforeAnythingArrivesAreZero() {
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"grpc\"}")).isEqualTo(0.0);
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"http\"}")).isEqualTo(0.0);
    assertThat(value("tracebridge_receiver_accepted_log_records_total{transport=\"grpc\"}")).isEqualTo(0.0);
    assertThat(value("tracebridge_receiver_accepted_log_records_total{transport=\"http\"}")).isEqualTo(0.0);
  }

  @Test
  void grpcAcceptedAndRefusedSpans() {
    sendOneSpan(OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + grpc.port())
        .addHeader("Authorization", TestKeys.bearer(TestKeys.KEY_A)).build());
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"grpc\"}")).isEqualTo(1.0);

    // One readable span and one with a 3-byte span id: partial success.
    stub(TestKeys.KEY_A).export(request(
        hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello"),
        hookSpan("00f067", "agent_prompt", "agent.prompt", "lost")));
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"grpc\"}")).isEqualTo(2.0);
    assertThat(value("tracebridge_receiver_refused_spans_total{reason=\"invalid\",transport=\"grpc\"}"))
        .isEqualTo(1.0);

    // The store down: both spans of the export are refused, the sender told UNAVAILABLE.
    storeDown.set(true);
    assertThatThrownBy(() -> stub(TestKeys.KEY_A).export(request(
        hookSpan("00f067aa0ba902b8", "agent_prompt", "agent.prompt", "a"),
        hookSpan("00f067aa0ba902b9", "agent_prompt", "agent.prompt", "b"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(value("tracebridge_receiver_refused_spans_total{reason=\"store_unavailable\",transport=\"grpc\"}"))
        .isEqualTo(2.0);
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"grpc\"}")).isEqualTo(2.0);

    // An unknown key: refused before its spans are read.
    assertThatThrownBy(() -> stub("no-such-key").export(request(
        hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "x"))))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(value("tracebridge_receiver_refused_requests_total{reason=\"unauthenticated\",transport=\"grpc\"}"))
        .isEqualTo(1.0);

    // Nothing of this went under http; the export histogram counted the three decoded exports.
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"http\"}")).isEqualTo(0.0);
    assertThat(value("tracebridge_receiver_export_seconds_count{signal=\"traces\",transport=\"grpc\"}"))
        .isEqualTo(3.0);
    assertThat(registry.scrape())
        .contains("tracebridge_receiver_export_seconds_bucket{signal=\"traces\",transport=\"grpc\",le=\"0.1\"}")
        .contains("grpc_server_requests_received_messages_total{method=\"Export\"");
  }

  @Test
  void httpAcceptedAndRefusedSpansAndLogRecords() throws Exception {
    sendOneSpan(OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + httpPort + OtlpHttpVerticle.TRACES_PATH)
        .addHeader("Authorization", TestKeys.bearer(TestKeys.KEY_A)).build());
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"http\"}")).isEqualTo(1.0);

    HttpResponse<byte[]> partial = post(OtlpHttpVerticle.TRACES_PATH, request(
        hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello"),
        hookSpan("00f067", "agent_prompt", "agent.prompt", "lost")).toByteArray());
    assertThat(partial.statusCode()).isEqualTo(200);
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"http\"}")).isEqualTo(2.0);
    assertThat(value("tracebridge_receiver_refused_spans_total{reason=\"invalid\",transport=\"http\"}"))
        .isEqualTo(1.0);

    HttpResponse<byte[]> garbage = post(OtlpHttpVerticle.TRACES_PATH, new byte[] {(byte) 0xff, 0x01, 0x02});
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(value("tracebridge_receiver_refused_requests_total{reason=\"undecodable\",transport=\"http\"}"))
        .isEqualTo(1.0);

    HttpResponse<byte[]> logs = post(OtlpHttpVerticle.LOGS_PATH, logs().toByteArray());
    assertThat(logs.statusCode()).isEqualTo(200);
    assertThat(value("tracebridge_receiver_accepted_log_records_total{transport=\"http\"}")).isEqualTo(1.0);

    storeDown.set(true);
    HttpResponse<byte[]> down = post(OtlpHttpVerticle.LOGS_PATH, logs().toByteArray());
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(value("tracebridge_receiver_refused_log_records_total{reason=\"store_unavailable\",transport=\"http\"}"))
        .isEqualTo(1.0);
    assertThat(value("tracebridge_receiver_accepted_log_records_total{transport=\"http\"}")).isEqualTo(1.0);
    assertThat(value("tracebridge_receiver_accepted_spans_total{transport=\"grpc\"}")).isEqualTo(0.0);
  }

  private static void sendOneSpan(SpanExporter exporter) {
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      provider.get("test").spanBuilder("execute_tool calculate")
          .setAttribute("gen_ai.operation.name", "execute_tool")
          .setAttribute("gen_ai.tool.name", "calculate")
          .setAttribute("session.id", "s-1")
          .startSpan().end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  private TraceServiceGrpc.TraceServiceBlockingStub stub(String key) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), TestKeys.bearer(key));
    return TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private HttpResponse<byte[]> post(String path, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-protobuf")
            .header("Authorization", TestKeys.bearer(TestKeys.KEY_A))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static ExportLogsServiceRequest logs() {
    HexFormat hex = HexFormat.of();
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1_735_725_600_000_000_000L)
                .setTraceId(ByteString.copyFrom(hex.parseHex(Spans.TRACE_ID)))
                .setSpanId(ByteString.copyFrom(hex.parseHex("00f067aa0ba902b7")))
                .addAttributes(kv("event.name", "agent_prompt")).addAttributes(kv("agent.prompt", "hi"))
                .addAttributes(kv("span.session.id", "s-1")))))
        .build();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  /** The value of the one line of the scrape that starts with {@code series}, or null. */
  private Double value(String series) {
    for (String line : registry.scrape().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return null;
  }
}
