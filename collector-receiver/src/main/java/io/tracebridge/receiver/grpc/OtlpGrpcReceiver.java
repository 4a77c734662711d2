package io.tracebridge.receiver.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracebridge.http.GuardLimits;
import io.tracebridge.receiver.ExportErrors;
import io.tracebridge.receiver.ExportOutcome;
import io.tracebridge.receiver.OtlpIngest;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.tracebridge.receiver.OverloadedException;
import io.tracebridge.receiver.ReceiverMetrics;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.RequestRejectedException;
import io.tracebridge.receiver.TraceExportHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC receiver: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} and
 * {@code opentelemetry.proto.collector.logs.v1.LogsService/Export}.
 *
 * <p>grpc-java receives the message as bytes (above {@link
 * ReceiverConfig#maxInboundMessageBytes()} refused by grpc-java with RESOURCE_EXHAUSTED); the
 * handler parses them itself, so an unparseable request is INVALID_ARGUMENT with the parse error
 * (a failing grpc-java marshaller would answer UNKNOWN). Every call is authenticated from its
 * {@code authorization} metadata by a {@link TenantInterceptor} (UNAUTHENTICATED when missing or
 * unknown); its bytes are reserved ({@link OtlpIngest#reserve}), it is parsed, takes an export
 * slot ({@link OtlpIngest.Admission#startExport()}; RESOURCE_EXHAUSTED with RetryInfo when the
 * receiver is at a bound), and is handed to the shared export handler, unless its context is
 * cancelled by then (the client cancelled or its deadline passed: abandoned).
 *
 * <p>Slow and idle connections ({@link ReceiverConfig#connectionLimits()}): the HTTP/2 handshake
 * must finish within {@code headerTimeout}; a call's whole request message must arrive within
 * {@code bodyTimeout} ({@link MessageDeadlineInterceptor}); a connection without calls for {@code
 * idleTimeout} is closed; the server pings after {@link ReceiverConfig#grpcKeepAliveTime()} of
 * silence and closes a connection that does not answer, and closes one whose client pings more
 * often than {@link ReceiverConfig#grpcPermitKeepAliveTime()}. The reply is sent only
 * when the handler's stage completes, that is after the records are durable; items the mapper
 * rejects are reported in the reply's {@code partial_success} and the rest of the request is
 * stored. Failures are mapped by {@link ExportErrors}.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);

  /** Without an answer to a keep-alive ping within this, the connection is closed. */
  private static final long KEEP_ALIVE_TIMEOUT_SECONDS = 20;

  private final ReceiverConfig config;
  private final Server server;
  private final ScheduledExecutorService timer;

  private OtlpGrpcReceiver(ReceiverConfig config, Server server, ScheduledExecutorService timer) {
    this.config = config;
    this.server = server;
    this.timer = timer;
  }

  /**
   * Binds {@link ReceiverConfig#host()}:{@link ReceiverConfig#grpcPort()} and starts serving
   * traces and logs through {@code ingest}; throws if the port cannot be bound.
   */
  public static OtlpGrpcReceiver start(ReceiverConfig config, OtlpIngest ingest) {
    GuardLimits limits = config.connectionLimits();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tracebridge-otlp-grpc-deadlines");
      t.setDaemon(true);
      return t;
    });
    ServerInterceptor tenants = new TenantInterceptor(ingest);
    ServerInterceptor deadline = new MessageDeadlineInterceptor(limits.bodyTimeout(), timer);
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()))
            .maxInboundMessageSize(config.maxInboundMessageBytes())
            .handshakeTimeout(limits.headerTimeout().toNanos(), TimeUnit.NANOSECONDS)
            .maxConnectionIdle(limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS)
            .keepAliveTime(config.grpcKeepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
            .keepAliveTimeout(KEEP_ALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .permitKeepAliveTime(config.grpcPermitKeepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
            .permitKeepAliveWithoutCalls(false)
            // grpc_server_* (calls, processing time by method and status), Micrometer's binder.
            .intercept(new MetricCollectingServerInterceptor(ingest.metrics().registry()))
            .addService(ServerInterceptors.intercept(traces(ingest), tenants, deadline))
            .addService(ServerInterceptors.intercept(logs(ingest), tenants, deadline))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      timer.shutdownNow();
      throw new UncheckedIOException(
          "cannot listen for OTLP/gRPC on " + config.host() + ":" + config.grpcPort(), e);
    }
    OtlpGrpcReceiver receiver = new OtlpGrpcReceiver(config, server, timer);
    LOG.info("collector-receiver OTLP/gRPC (traces, logs) listening on {}:{}",
        config.host(), receiver.port());
    return receiver;
  }

  /**
   * Transitional: the single-tenant embedded mode with a logs handler over the same sinks as
   * {@code handler}. Prefer {@link #start(ReceiverConfig, OtlpIngest)}.
   *
   * @deprecated build an {@link OtlpIngest} (it carries the authenticator and the logs handler)
   */
  @Deprecated
  public static OtlpGrpcReceiver start(ReceiverConfig config, TraceExportHandler handler) {
    return start(config, OtlpIngest.singleTenant(handler, config));
  }

  /** The bound port (useful when the config asked for port 0). */
  public int port() {
    return server.getPort();
  }

  /** Stops accepting calls and waits up to 10 s for calls in flight to finish. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      timer.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "OtlpGrpcReceiver{" + config + "}";
  }

  /** The request message as grpc-java received it: its bytes, parsed by the handler. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return readMessage(stream);
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("cannot read the request message")
            .withCause(e).asRuntimeException();
      }
    }
  };

  /**
   * All of {@code stream}. grpc-java's message streams know their length: then the bytes are read
   * into one array of that size, where {@code readAllBytes} reads 8 KB chunks and copies them into
   * the result, allocating every request twice (a seventh of the in-memory ingest's allocation,
   * bench/README.md, 7.8). A stream that turns out longer or shorter is read in full all the same.
   */
  static byte[] readMessage(InputStream stream) throws IOException {
    if (!(stream instanceof io.grpc.KnownLength)) {
      return stream.readAllBytes();
    }
    int known = stream.available();
    if (known <= 0) {
      return stream.readAllBytes();
    }
    byte[] bytes = new byte[known];
    int read = stream.readNBytes(bytes, 0, known);
    if (read < known) {
      return java.util.Arrays.copyOf(bytes, read);
    }
    byte[] rest = stream.readAllBytes();
    if (rest.length == 0) {
      return bytes;
    }
    byte[] all = java.util.Arrays.copyOf(bytes, known + rest.length);
    System.arraycopy(rest, 0, all, known, rest.length);
    return all;
  }

  /** Parses one signal's request ({@code ExportTraceServiceRequest::parseFrom}). */
  private interface Parser<Q> {
    Q parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  /** Exports one signal's request ({@code OtlpIngest::exportTraces}). */
  private interface Exporter<Q> {
    CompletionStage<ExportOutcome> export(
        OtlpIngest.Admission admission, String tenant, Q request, BooleanSupplier callerGone);
  }

  private static ServerServiceDefinition traces(OtlpIngest ingest) {
    return service(TraceServiceGrpc.getExportMethod(), ExportTraceServiceRequest.class,
        ExportTraceServiceRequest::parseFrom,
        (admission, tenant, request, gone) ->
            ingest.exportTraces(ReceiverMetrics.Transport.GRPC, admission, tenant, request, gone),
        ExportOutcome::toTracesResponse, ingest);
  }

  private static ServerServiceDefinition logs(OtlpIngest ingest) {
    return service(LogsServiceGrpc.getExportMethod(), ExportLogsServiceRequest.class,
        ExportLogsServiceRequest::parseFrom,
        (admission, tenant, request, gone) ->
            ingest.exportLogs(ReceiverMetrics.Transport.GRPC, admission, tenant, request, gone),
        ExportOutcome::toLogsResponse, ingest);
  }

  /** The OTLP service of {@code method}, its request taken as bytes. */
  private static <Q, R> ServerServiceDefinition service(MethodDescriptor<Q, R> method,
      Class<Q> requestType, Parser<Q> parser, Exporter<Q> exporter,
      Function<ExportOutcome, R> toResponse, OtlpIngest ingest) {
    MethodDescriptor<byte[], R> bytesIn =
        method.toBuilder(BYTES, method.getResponseMarshaller()).build();
    String name = requestType.getSimpleName();
    return ServerServiceDefinition.builder(method.getServiceName())
        .addMethod(bytesIn, ServerCalls.asyncUnaryCall((bytes, observer) ->
            answer(ingest, bytes, name, parser, exporter, toResponse, observer)))
        .build();
  }

  /** Reserves, parses, admits, exports, and answers once the export completes. */
  private static <Q, R> void answer(OtlpIngest ingest, byte[] bytes, String requestName,
      Parser<Q> parser, Exporter<Q> exporter, Function<ExportOutcome, R> toResponse,
      StreamObserver<R> observer) {
    OtlpIngest.Admission admission;
    try {
      admission = ingest.reserve(bytes.length);
    } catch (OverloadedException e) {
      ingest.metrics().refusedRequest(ReceiverMetrics.Transport.GRPC, e);
      observer.onError(ExportErrors.toGrpcException(e));
      return;
    }
    Q request;
    try {
      request = parser.parse(bytes);
      admission.startExport();
    } catch (InvalidProtocolBufferException e) {
      admission.close();
      RequestRejectedException undecodable = new RequestRejectedException(
          RequestRejectedException.Reason.UNDECODABLE,
          "request is not a protobuf " + requestName + ": " + e.getMessage(), e);
      ingest.metrics().refusedRequest(ReceiverMetrics.Transport.GRPC, undecodable);
      observer.onError(ExportErrors.toGrpcException(undecodable));
      return;
    } catch (OverloadedException e) {
      admission.close();
      ingest.metrics().refusedRequest(ReceiverMetrics.Transport.GRPC, e);
      observer.onError(ExportErrors.toGrpcException(e));
      return;
    }
    String tenant = TenantInterceptor.TENANT.get();
    Context call = Context.current();
    exporter.export(admission, tenant, request, call::isCancelled).whenComplete((outcome, failure) -> {
      if (failure != null) {
        observer.onError(ExportErrors.toGrpcException(failure));
      } else {
        observer.onNext(toResponse.apply(outcome));
        observer.onCompleted();
      }
    });
  }
}
