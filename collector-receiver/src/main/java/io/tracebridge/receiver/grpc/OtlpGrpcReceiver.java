package io.tracebridge.receiver.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracebridge.receiver.ExportErrors;
import io.tracebridge.receiver.ExportOutcome;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.OverloadedException;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.TraceExportHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC receiver: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} and
 * {@code opentelemetry.proto.collector.logs.v1.LogsService/Export}.
 *
 * <p>grpc-java decodes (messages above {@link ReceiverConfig#maxInboundMessageBytes()} are
 * refused by grpc-java with RESOURCE_EXHAUSTED). Every call is authenticated from its {@code
 * authorization} metadata by a {@link TenantInterceptor} (UNAUTHENTICATED when missing or
 * unknown), then admitted by {@link OtlpIngest#admit()} (RESOURCE_EXHAUSTED with RetryInfo when
 * the receiver is at its bound), then handed to the shared export handler. The reply is sent only
 * when the handler's stage completes, that is after the records are durable; items the mapper
 * rejects are reported in the reply's {@code partial_success} and the rest of the request is
 * stored. Failures are mapped by {@link ExportErrors}.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);

  private final ReceiverConfig config;
  private final Server server;

  private OtlpGrpcReceiver(ReceiverConfig config, Server server) {
    this.config = config;
    this.server = server;
  }

  /**
   * Binds {@link ReceiverConfig#host()}:{@link ReceiverConfig#grpcPort()} and starts serving
   * traces and logs through {@code ingest}; throws if the port cannot be bound.
   */
  public static OtlpGrpcReceiver start(ReceiverConfig config, OtlpIngest ingest) {
    TenantInterceptor tenants = new TenantInterceptor(ingest);
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()))
            .maxInboundMessageSize(config.maxInboundMessageBytes())
            .addService(ServerInterceptors.intercept(new TraceService(ingest), tenants))
            .addService(ServerInterceptors.intercept(new LogsService(ingest), tenants))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for OTLP/gRPC on " + config.host() + ":" + config.grpcPort(), e);
    }
    OtlpGrpcReceiver receiver = new OtlpGrpcReceiver(config, server);
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
    }
  }

  @Override
  public String toString() {
    return "OtlpGrpcReceiver{" + config + "}";
  }

  /** Admits, exports, and answers once the export completes. */
  private static <R> void answer(
      OtlpIngest ingest,
      Function<OtlpIngest.Admission, CompletionStage<ExportOutcome>> export,
      Function<ExportOutcome, R> toResponse,
      StreamObserver<R> responseObserver) {
    OtlpIngest.Admission admission;
    try {
      admission = ingest.admit();
    } catch (OverloadedException e) {
      responseObserver.onError(ExportErrors.toGrpcException(e));
      return;
    }
    export.apply(admission).whenComplete((outcome, failure) -> {
      if (failure != null) {
        responseObserver.onError(ExportErrors.toGrpcException(failure));
      } else {
        responseObserver.onNext(toResponse.apply(outcome));
        responseObserver.onCompleted();
      }
    });
  }

  private static final class TraceService extends TraceServiceGrpc.TraceServiceImplBase {
    private final OtlpIngest ingest;

    TraceService(OtlpIngest ingest) {
      this.ingest = ingest;
    }

    @Override
    public void export(
        ExportTraceServiceRequest request,
        StreamObserver<ExportTraceServiceResponse> responseObserver) {
      String tenant = TenantInterceptor.TENANT.get();
      answer(ingest, admission -> ingest.exportTraces(admission, tenant, request),
          ExportOutcome::toTracesResponse, responseObserver);
    }
  }

  private static final class LogsService extends LogsServiceGrpc.LogsServiceImplBase {
    private final OtlpIngest ingest;

    LogsService(OtlpIngest ingest) {
      this.ingest = ingest;
    }

    @Override
    public void export(
        ExportLogsServiceRequest request,
        StreamObserver<ExportLogsServiceResponse> responseObserver) {
      String tenant = TenantInterceptor.TENANT.get();
      answer(ingest, admission -> ingest.exportLogs(admission, tenant, request),
          ExportOutcome::toLogsResponse, responseObserver);
    }
  }
}
