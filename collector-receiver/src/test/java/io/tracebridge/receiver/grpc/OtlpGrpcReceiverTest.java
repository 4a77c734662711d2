package io.tracebridge.receiver.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.RecordingTraceSink;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceSink;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpGrpcReceiverTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private OtlpGrpcReceiver receiver;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private int start(TraceSink durable, TraceSink live) {
    receiver =
        OtlpGrpcReceiver.start(
            ReceiverConfig.builder().grpcPort(0).build(),
            new TraceExportHandler(new SpanMapper(), durable, live));
    return receiver.port();
  }

  private TraceServiceGrpc.TraceServiceBlockingStub blockingStub(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    return TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void storesTheRecordsOfSpansSentByTheOtelSdkExporter() {
    RecordingTraceSink durable = new RecordingTraceSink();
    RecordingTraceSink live = new RecordingTraceSink();
    int port = start(durable, live);

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
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    List<FunctionalRecord> stored = durable.records();
    assertThat(stored).extracting(FunctionalRecord::type)
        .containsExactly(RecordType.TOOL_REQUEST, RecordType.TOOL_RESPONSE);
    assertThat(stored.get(0).tool().name()).isEqualTo("calculate");
    assertThat(stored.get(0).tool().input()).contains("operand1");
    assertThat(stored.get(1).tool().output()).isEqualTo("{\"result\":3}");
    assertThat(stored).allSatisfy(r -> {
      assertThat(r.tenant()).isEqualTo(ReceiverConfig.DEFAULT_TENANT);
      assertThat(r.sessionId()).isEqualTo("s-1");
    });
    assertThat(live.records()).isEqualTo(stored);
  }

  @Test
  void rejectsAnUnreadableSpanInThePartialSuccessReplyAndStoresTheRest() {
    RecordingTraceSink durable = new RecordingTraceSink();
    int port = start(durable, new RecordingTraceSink());

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
    TraceSink failing = records -> CompletableFuture.failedFuture(
        new StoreException("throttled", true));
    RecordingTraceSink live = new RecordingTraceSink();
    int port = start(failing, live);

    ExportTraceServiceRequest request =
        request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello"));

    assertThatThrownBy(() -> blockingStub(port).export(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("throttled");
        });
    assertThat(live.batchCount()).isZero();
  }

  @Test
  void answersOnlyAfterTheStoreHasCompleted() throws Exception {
    CompletableFuture<Void> storeDone = new CompletableFuture<>();
    CountDownLatch storeCalled = new CountDownLatch(1);
    TraceSink slow = records -> {
      storeCalled.countDown();
      return storeDone;
    };
    int port = start(slow, new RecordingTraceSink());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    var reply = TraceServiceGrpc.newFutureStub(channel).export(
        request(hookSpan("00f067aa0ba902b7", "agent_prompt", "agent.prompt", "hello")));

    assertThat(storeCalled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> reply.get(300, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    storeDone.complete(null);
    assertThat(reply.get(10, TimeUnit.SECONDS).hasPartialSuccess()).isFalse();
  }

  private static ExportTraceServiceRequest request(io.opentelemetry.proto.trace.v1.Span... spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
        .build();
  }

  private static io.opentelemetry.proto.trace.v1.Span hookSpan(
      String spanIdHex, String event, String key, String value) {
    long now = System.currentTimeMillis() * 1_000_000L;
    return io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE_ID)))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanIdHex)))
        .setName("invoke_agent test")
        .setStartTimeUnixNano(now)
        .setEndTimeUnixNano(now + 1_000_000)
        .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
            .setName(event)
            .setTimeUnixNano(now)
            .addAttributes(KeyValue.newBuilder().setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))))
        .build();
  }
}
