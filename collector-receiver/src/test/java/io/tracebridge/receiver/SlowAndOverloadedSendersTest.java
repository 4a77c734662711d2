package io.tracebridge.receiver;

import static io.tracebridge.receiver.Spans.hookSpan;
import static io.tracebridge.receiver.Spans.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracebridge.http.GuardLimits;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.grpc.OtlpGrpcReceiver;
import io.tracebridge.receiver.http.OtlpHttpVerticle;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.TraceSink;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Both OTLP transports over one {@link OtlpIngest}, as in production, against slow senders
 * (issue 12, item 1) and a store that falls behind (item 2), on loopback with the OpenTelemetry
 * SDK's own exporters. No assertion is about time: time-outs are short and the test waits for
 * their outcome (a closed connection) up to 30 s.
 */
class SlowAndOverloadedSendersTest {
  private static final int SLOW_SENDERS = ReceiverConfig.DEFAULT_MAX_EXPORTS_IN_FLIGHT;
  private static final int DECLARED = 100_000;

  private final Vertx vertx = Vertx.vertx();
  private final List<Socket> sockets = new ArrayList<>();
  private OtlpIngest ingest;
  private OtlpGrpcReceiver grpc;
  private ManagedChannel channel;
  private int httpPort;

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (grpc != null) {
      grpc.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void start(TraceSink durable, ReceiverConfig config) throws Exception {
    SpanMapper mapper = new SpanMapper();
    ingest = new OtlpIngest(new TraceExportHandler(mapper, durable),
        new LogsExportHandler(mapper, durable),
        TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT), config);
    grpc = OtlpGrpcReceiver.start(config, ingest);
    OtlpHttpVerticle http = new OtlpHttpVerticle(config, ingest);
    vertx.deployVerticle(http).await(10, TimeUnit.SECONDS);
    httpPort = http.actualPort();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
  }

  private static ReceiverConfig.Builder config() {
    return ReceiverConfig.builder().grpcPort(0).httpPort(0);
  }

  /** Exports one span with {@code exporter} through the SDK; whether the SDK saw success. */
  private static boolean sdkExport(SpanExporter exporter, String prompt) {
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      provider.get("test").spanBuilder("invoke_agent a").startSpan()
          .addEvent("agent_prompt", Attributes.builder().put("agent.prompt", prompt).build())
          .end();
      return provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess();
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as(what).isTrue();
      Thread.sleep(20);
    }
  }

  /** Opens a connection that declares a 100,000-byte OTLP body and sends only its start. */
  private Socket slowSender() throws IOException {
    Socket socket = new Socket("127.0.0.1", httpPort);
    socket.setSoTimeout(30_000);
    sockets.add(socket);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/x-protobuf\r\nContent-Length: " + DECLARED + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.write(new byte[16]);
    out.flush();
    return socket;
  }

  private static long retryDelaySeconds(StatusRuntimeException e) {
    try {
      return StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class)
          .getRetryDelay().getSeconds();
    } catch (com.google.protobuf.InvalidProtocolBufferException notRetryInfo) {
      throw new AssertionError("the first detail is not a RetryInfo", notRetryInfo);
    }
  }

  private static boolean closedByServer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // an answer before the close (none is expected) is read past
      }
    } catch (SocketException reset) {
      // reset is a close too
    }
    return true;
  }

  @Test
  void slowBodiesHoldNoExportSlotAndAreClosedWhileSdkExportsOnBothTransportsSucceed()
      throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    // 1 byte/s over 2 s windows: the 16 bytes each slow sender sent cover its first window only.
    GuardLimits slowlyClosing = new GuardLimits(Duration.ofSeconds(10), Duration.ofSeconds(60),
        1, Duration.ofSeconds(2), Duration.ofSeconds(60), 8192);
    start(durable, config().connectionLimits(slowlyClosing).build());

    for (int i = 0; i < SLOW_SENDERS; i++) {
      slowSender();
    }
    await("every slow body reserved its declared bytes",
        () -> ingest.bytesInFlight() == (long) SLOW_SENDERS * DECLARED);
    assertThat(ingest.inFlight()).as("a body being read holds no export slot").isZero();

    assertThat(sdkExport(OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + httpPort + OtlpHttpVerticle.TRACES_PATH).build(),
        "over http")).isTrue();
    assertThat(sdkExport(OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + grpc.port()).build(), "over grpc")).isTrue();
    assertThat(durable.records()).extracting(FunctionalRecord::text)
        .containsExactlyInAnyOrder("over http", "over grpc");

    for (Socket socket : sockets) {
      assertThat(closedByServer(socket)).isTrue();
    }
    await("the closed bodies gave their bytes back", () -> ingest.bytesInFlight() == 0);
    assertThat(ingest.inFlight()).isZero();
  }

  @Test
  void strictFramingOnTheOtlpHttpPort() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable, config().build());
    for (String headers : List.of(
        "Host: 127.0.0.1\r\nTransfer-Encoding: xchunked\r\n",
        "Host: 127.0.0.1\r\nHost: other\r\nContent-Length: 2\r\n",
        "Content-Length: 2\r\n",
        "Host: 127.0.0.1\r\nX-Folded: a\r\n b\r\nContent-Length: 2\r\n")) {
      try (Socket socket = new Socket("127.0.0.1", httpPort)) {
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(("POST /v1/traces HTTP/1.1\r\n" + headers
            + "Content-Type: application/json\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
        String answer = new String(socket.getInputStream().readAllBytes(),
            StandardCharsets.ISO_8859_1);
        assertThat(answer).as(headers).startsWith("HTTP/1.1 400 ").contains("Connection: close");
      }
    }
    assertThat(durable.batchCount()).isZero();
  }

  @Test
  void whenTheStoreFallsBehindTheExcessIsRefusedAtOnceWithRetryAdviceOnBothTransports()
      throws Exception {
    GatedTraceSink store = new GatedTraceSink();
    // Every export is slower than a 1 ns target, so each completion shrinks the bound by 10 %.
    start(store, config().maxExportsInFlight(8).storeLatencyTarget(Duration.ofNanos(1))
        .retryAfter(Duration.ofSeconds(2)).build());
    TraceServiceGrpc.TraceServiceFutureStub stub = TraceServiceGrpc.newFutureStub(channel);

    var first = new ArrayList<com.google.common.util.concurrent.ListenableFuture<
        ExportTraceServiceResponse>>();
    for (int i = 0; i < 8; i++) {
      first.add(stub.export(request(hookSpan(String.format("%016x", i + 1), "agent_prompt",
          "agent.prompt", "round one " + i))));
    }
    store.awaitCalls(8);
    store.releaseAll();
    for (var reply : first) {
      reply.get(30, TimeUnit.SECONDS);
    }
    assertThat(ingest.exportLimit()).as("8 x 0.9^8").isEqualTo(3);

    var second = new ArrayList<com.google.common.util.concurrent.ListenableFuture<
        ExportTraceServiceResponse>>();
    for (int i = 0; i < 3; i++) {
      second.add(stub.export(request(hookSpan(String.format("%016x", i + 100), "agent_prompt",
          "agent.prompt", "round two " + i))));
    }
    store.awaitCalls(11);

    // The store holds three exports; the next ones are refused while it still does.
    assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .export(request(hookSpan("00000000000000ff", "agent_prompt", "agent.prompt", "x"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).contains("bound now 3 of 8");
          assertThat(retryDelaySeconds(e)).isEqualTo(2);
        });
    HttpResponse<byte[]> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + httpPort + OtlpHttpVerticle.TRACES_PATH))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request(hookSpan("00000000000000fe",
            "agent_prompt", "agent.prompt", "y")).toByteArray()))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(store.calls()).as("refused exports never reached the store").isEqualTo(11);
    assertThat(second).noneMatch(java.util.concurrent.Future::isDone);

    store.releaseAll();
    for (var reply : second) {
      reply.get(30, TimeUnit.SECONDS);
    }
    assertThat(ingest.inFlight()).isZero();
    assertThat(ingest.bytesInFlight()).isZero();
  }
}
