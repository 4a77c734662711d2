package io.tracebridge.receiver.grpc;

import static io.tracebridge.receiver.Spans.hookSpan;
import static io.tracebridge.receiver.Spans.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
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
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.store.memory.InMemoryTraceStore;
import java.util.concurrent.CopyOnWriteArrayList;
import io.tracebridge.receiver.TestKeys;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.TraceSink;
import io.tracebridge.http.GuardLimits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpGrpcReceiverTest {
  private OtlpGrpcReceiver receiver;
  private ManagedChannel channel;
  private OtlpIngest ingest;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private int start(TraceSink durable) {
    return start(durable, TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT),
        ReceiverConfig.builder().grpcPort(0).httpPort(0).build());
  }

  private int start(
      TraceSink durable, TenantAuthenticator auth, ReceiverConfig config) {
    SpanMapper mapper = new SpanMapper();
    ingest = new OtlpIngest(
        new TraceExportHandler(mapper, durable),
        new LogsExportHandler(mapper, durable), auth, config);
    receiver = OtlpGrpcReceiver.start(config, ingest);
    return receiver.port();
  }

  private ManagedChannel channel(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    return channel;
  }

  private TraceServiceGrpc.TraceServiceBlockingStub blockingStub(int port) {
    return TraceServiceGrpc.newBlockingStub(channel(port)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static Metadata bearer(String key) {
    Metadata headers = new Metadata();
    headers.put(TenantInterceptor.AUTHORIZATION, TestKeys.bearer(key));
    return headers;
  }

  @Test
  void storesTheRecordsOfSpansSentByTheOtelSdkExporter() {
    // The product's path: the context filler over a real store, whose listener is the source of
    // live records (the web role publishes what it hears).
    InMemoryTraceStore store = new InMemoryTraceStore();
    List<StoredRecord> heard = new CopyOnWriteArrayList<>();
    store.addListener(heard::addAll);
    int port = start(new TraceContextFiller(store));
    String traceId;

    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + port).build();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      Tracer tracer = provider.get("test");
      Span tool = tracer.spanBuilder("execute_tool calculate")
          .setAttribute("gen_ai.operation.name", "execute_tool")
          .setAttribute("gen_ai.tool.name", "calculate")
          .setAttribute("session.id", "s-1")
          .startSpan();
      tool.addEvent("tool_request", Attributes.builder()
          .put("tool.name", "calculate")
          .put("tool.input", "{\"toolParameters\":{\"operand1\":1,\"operand2\":2}}")
          .build());
      tool.addEvent("tool_response", Attributes.builder().put("tool.output", "{\"result\":3}").build());
      tool.end();
      traceId = tool.getSpanContext().getTraceId();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    List<FunctionalRecord> stored = store.findByTrace(ReceiverConfig.DEFAULT_TENANT, traceId)
        .toCompletableFuture().join().stream().sorted(FunctionalRecord.TIMELINE).toList();
    assertThat(stored).extracting(FunctionalRecord::type)
        .containsExactly(RecordType.TOOL_REQUEST, RecordType.TOOL_RESPONSE);
    assertThat(stored.get(0).tool().name()).isEqualTo("calculate");
    assertThat(stored.get(0).tool().input()).contains("operand1");
    assertThat(stored.get(1).tool().output()).isEqualTo("{\"result\":3}");
    assertThat(stored).allSatisfy(r -> {
      assertThat(r.tenant()).isEqualTo(ReceiverConfig.DEFAULT_TENANT);
      assertThat(r.sessionId()).isEqualTo("s-1");
    });
    // Every stored version was heard live, once, in timeline order, after it was durable.
    assertThat(heard).extracting(StoredRecord::record).isEqualTo(stored);
  }

  @Test
  void theBearerKeyOfTheSdkExporterChoosesTheTenant() {
    RecordingTraceSink durable = new RecordingTraceSink();
    int port = start(durable, TestKeys.authenticator(),
        ReceiverConfig.builder().grpcPort(0).httpPort(0).build());

    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port)
        .addHeader("Authorization", TestKeys.bearer(TestKeys.KEY_B))
        .build();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      provider.get("test").spanBuilder("invoke_agent a").startSpan()
          .addEvent("agent_prompt", Attributes.builder().put("agent.prompt", "hi").build())
          .end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    assertThat(durable.records()).singleElement()
        .satisfies(r -> assertThat(r.tenant()).isEqualTo(TestKeys.TENANT_B));
  }

  @Test
  void missingOrUnknownKeysAreUnauthenticatedAndStoreNothing() {
    RecordingTraceSink durable = new RecordingTraceSink();
    int port = start(durable, TestKeys.authenticator(),
        ReceiverConfig.builder().grpcPort(0).httpPort(0).build());
    ExportTraceServiceRequest request =
        request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello"));

    assertThatThrownBy(() -> blockingStub(port).export(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("missing Authorization");
        });
    assertThatThrownBy(() -> blockingStub(port)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer("nope")))
            .export(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).isEqualTo("unknown API key");
        });
    assertThat(durable.batchCount()).isZero();

    blockingStub(port)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(TestKeys.KEY_A)))
        .export(request);
    assertThat(durable.records()).singleElement()
        .satisfies(r -> assertThat(r.tenant()).isEqualTo(TestKeys.TENANT_A));
  }

  @Test
  void rejectsAnUnreadableSpanInThePartialSuccessReplyAndStoresTheRest() {
    RecordingTraceSink durable = new RecordingTraceSink();
    int port = start(durable);

    ExportTraceServiceRequest request = request(
        hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello"),
        hookSpan("00f067", "agent_prompt", "agent.prompt", "lost")); // a 3-byte span id

    ExportTraceServiceResponse response = blockingStub(port).export(request);

    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage()).contains("1 span(s) rejected");
    assertThat(durable.records()).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecordType.PROMPT);
      assertThat(r.text()).isEqualTo("hello");
    });
  }

  @Test
  void aRetryableStoreFailureAnswersUnavailableAndPublishesNothingLive() {
    // The filler over a real store whose record writes fail: the store's listener, the source of
    // live records, hears nothing.
    InMemoryTraceStore store = new InMemoryTraceStore();
    List<StoredRecord> heard = new CopyOnWriteArrayList<>();
    store.addListener(heard::addAll);
    TraceSink failing = records -> CompletableFuture.failedFuture(
        new StoreException("throttled", true));
    int port = start(new TraceContextFiller(failing, store));

    ExportTraceServiceRequest request =
        request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello"));

    assertThatThrownBy(() -> blockingStub(port).export(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("throttled");
        });
    assertThat(heard).isEmpty();
    assertThat(store.findByTrace(ReceiverConfig.DEFAULT_TENANT, io.tracebridge.receiver.Spans.TRACE_ID)
        .toCompletableFuture().join()).isEmpty();
  }

  @Test
  void aPermanentStoreFailureAnswersInvalidArgument() {
    int port = start(records -> CompletableFuture.failedFuture(
        new StoreException("item too large", false)));

    assertThatThrownBy(() -> blockingStub(port).export(
            request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void answersOnlyAfterTheStoreHasCompleted() throws Exception {
    BlockingTraceSink slow = new BlockingTraceSink();
    int port = start(slow);
    var reply = TraceServiceGrpc.newFutureStub(channel(port)).export(
        request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello")));

    assertThat(slow.awaitCalled()).isTrue();
    assertThatThrownBy(() -> reply.get(300, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    slow.release();
    assertThat(reply.get(10, TimeUnit.SECONDS).hasPartialSuccess()).isFalse();
  }

  @Test
  void beyondTheInFlightBoundAnswersResourceExhaustedWithRetryInfo() throws Exception {
    BlockingTraceSink slow = new BlockingTraceSink();
    int port = start(slow,
        TenantAuthenticator.singleTenant("t"),
        ReceiverConfig.builder().grpcPort(0).httpPort(0).maxExportsInFlight(1)
            .retryAfter(java.time.Duration.ofMillis(1500)).build());
    var first = TraceServiceGrpc.newFutureStub(channel(port)).export(
        request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "one")));
    assertThat(slow.awaitCalled()).isTrue();

    assertThatThrownBy(() -> blockingStub(port).export(
            request(hookSpan("00f067aa0ba902b8", "agent_prompt", "agent.prompt", "two"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).contains("1 exports in flight");
          com.google.rpc.Status detailed = StatusProto.fromThrowable(e);
          assertThat(detailed).isNotNull();
          assertThat(detailed.getDetailsList()).singleElement().satisfies(any -> {
            RetryInfo retry = any.unpack(RetryInfo.class);
            assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
            assertThat(retry.getRetryDelay().getNanos()).isEqualTo(500_000_000);
          });
        });
    assertThat(ingest.turnedAway()).isEqualTo(1);

    slow.release();
    first.get(10, TimeUnit.SECONDS);
    assertThat(ingest.inFlight()).isZero();
  }

  @Test
  void logsServiceAnswersWithTheTenantOfItsKey() {
    RecordingTraceSink durable = new RecordingTraceSink();
    int port = start(durable, TestKeys.authenticator(),
        ReceiverConfig.builder().grpcPort(0).httpPort(0).build());
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1L))))
        .build();
    LogsServiceGrpc.LogsServiceBlockingStub stub = LogsServiceGrpc.newBlockingStub(channel(port))
        .withDeadlineAfter(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> stub.export(logs))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    ExportLogsServiceResponse response = stub
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(TestKeys.KEY_A)))
        .export(logs);

    assertThat(response.hasPartialSuccess()).isFalse();
    // A log record with no known convention gives no record (SpanMapper.mapLogs).
    assertThat(durable.records()).allSatisfy(r ->
        assertThat(r.tenant()).isEqualTo(TestKeys.TENANT_A));
  }

  /** Sends whatever bytes it is given: the receiver's own bytes marshaller, client side. */
  private static final MethodDescriptor.Marshaller<byte[]> RAW = OtlpGrpcReceiver.BYTES;

  @Test
  void anUnparseableRequestIsInvalidArgumentWithTheParseErrorOnBothServices() {
    RecordingTraceSink durable = new RecordingTraceSink();
    int port = start(durable);
    byte[] garbage = {(byte) 0xff, 0x01, 0x02};
    for (var method : List.of(TraceServiceGrpc.getExportMethod().toBuilder(RAW, RAW).build(),
        LogsServiceGrpc.getExportMethod().toBuilder(RAW, RAW).build())) {
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel(port), method,
              CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), garbage))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription())
                .startsWith("request is not a protobuf Export")
                .contains("ServiceRequest: ");
          });
    }
    assertThat(durable.batchCount()).isZero();
    assertThat(ingest.inFlight()).isZero();
    assertThat(ingest.bytesInFlight()).isZero();

    blockingStub(port).export(request(hookSpan("00f067aa0ba902b7", "agent_prompt",
        "agent.prompt", "after the garbage")));
    assertThat(durable.records()).singleElement()
        .satisfies(r -> assertThat(r.text()).isEqualTo("after the garbage"));
  }

  @Test
  void aCallWhoseMessageNeverArrivesIsClosedAtTheMessageTimeout() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    GuardLimits shortBody = new GuardLimits(Duration.ofSeconds(10), Duration.ofMillis(300),
        GuardLimits.DEFAULT_MIN_BODY_BYTES_PER_SECOND, GuardLimits.DEFAULT_RATE_WINDOW,
        Duration.ofSeconds(60), 8192);
    int port = start(durable,
        TenantAuthenticator.singleTenant("t"),
        ReceiverConfig.builder().grpcPort(0).httpPort(0).connectionLimits(shortBody).build());
    ClientCall<byte[], byte[]> call = channel(port).newCall(
        TraceServiceGrpc.getExportMethod().toBuilder(RAW, RAW)
            // grpc-java holds a unary call's headers back until its message; this sends them now
            .setType(MethodDescriptor.MethodType.CLIENT_STREAMING).build(),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1); // headers sent, no message, no half-close: a stalled sender

    Status status = closed.get(30, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(status.getDescription()).isEqualTo("request message not received within 300 ms");
    assertThat(durable.batchCount()).isZero();
  }

  @Test
  void aCallWhoseClientGaveUpBeforeItsExportIsNeverStored() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    // Holds each call (in the interceptor, before any export) until its deadline has passed.
    TenantAuthenticator untilTheDeadline = authorization -> {
      CountDownLatch gone = new CountDownLatch(1);
      Context.current().addListener(context -> gone.countDown(), Runnable::run);
      try {
        gone.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "t";
    };
    int port = start(durable, untilTheDeadline,
        ReceiverConfig.builder().grpcPort(0).httpPort(0).build());

    assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel(port))
            .withDeadlineAfter(200, TimeUnit.MILLISECONDS)
            .export(request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "late"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    receiver.close(); // waits for the call to finish on the server
    receiver = null;
    assertThat(durable.batchCount()).isZero();
    assertThat(ingest.inFlight()).isZero();
    assertThat(ingest.bytesInFlight()).isZero();
  }

  @Test
  void abandoningAnExportWhoseCallIsCancelledReleasesItAndSkipsTheStore() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    start(durable);
    Context.CancellableContext call = Context.current().withCancellation();
    call.cancel(null);
    OtlpIngest.Admission admission = ingest.reserve(100);
    admission.startExport();

    CompletableFuture<?> export = ingest.exportTraces(admission, "t",
        request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "x")),
        call::isCancelled).toCompletableFuture();

    assertThatThrownBy(() -> export.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.tracebridge.receiver.CallerGoneException.class);
    assertThat(ingest.abandoned()).isEqualTo(1);
    assertThat(durable.batchCount()).isZero();
    assertThat(ingest.inFlight()).isZero();
    assertThat(ingest.bytesInFlight()).isZero();
  }
}
