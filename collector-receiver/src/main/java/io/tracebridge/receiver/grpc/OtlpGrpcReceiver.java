package io.tracebridge.receiver.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracebridge.receiver.ExportErrors;
import io.tracebridge.receiver.ExportOutcome;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.TraceExportHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC receiver: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}.
 *
 * <p>Decodes nothing itself (grpc-java does) and answers only when the export handler's stage
 * completes, that is after the records are durable. Spans the mapper rejects are reported in the
 * reply's {@code partial_success}; the rest of the request is stored.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);

  private final ReceiverConfig config;
  private final Server server;

  private OtlpGrpcReceiver(ReceiverConfig config, Server server) {
    this.config = config;
    this.server = server;
  }

  /** Binds and starts the server; throws if the port cannot be bound. */
  public static OtlpGrpcReceiver start(ReceiverConfig config, TraceExportHandler handler) {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()))
            .maxInboundMessageSize(config.maxInboundMessageBytes())
            .addService(new TraceService(handler, config.defaultTenant()))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for OTLP/gRPC on " + config.host() + ":" + config.grpcPort(), e);
    }
    OtlpGrpcReceiver receiver = new OtlpGrpcReceiver(config, server);
    LOG.info("collector-receiver OTLP/gRPC listening on {}:{}", config.host(), receiver.port());
    return receiver;
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

  private static final class TraceService extends TraceServiceGrpc.TraceServiceImplBase {
    private final TraceExportHandler handler;
    private final String tenant;

    TraceService(TraceExportHandler handler, String tenant) {
      this.handler = handler;
      this.tenant = tenant;
    }

    @Override
    public void export(
        ExportTraceServiceRequest request,
        StreamObserver<ExportTraceServiceResponse> responseObserver) {
      CompletionStage<ExportOutcome> result;
      try {
        result = handler.export(tenant, request);
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
      result.whenComplete(
              (outcome, failure) -> {
                if (failure != null) {
                  responseObserver.onError(
                      ExportErrors.toGrpcStatus(failure).asRuntimeException());
                } else {
                  responseObserver.onNext(toResponse(outcome));
                  responseObserver.onCompleted();
                }
              });
    }

    private static ExportTraceServiceResponse toResponse(ExportOutcome outcome) {
      ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
      String message = outcome.errorMessage();
      if (outcome.rejectedSpans() > 0 || !message.isEmpty()) {
        response.setPartialSuccess(
            ExportTracePartialSuccess.newBuilder()
                .setRejectedSpans(outcome.rejectedSpans())
                .setErrorMessage(message));
      }
      return response.build();
    }
  }
}
