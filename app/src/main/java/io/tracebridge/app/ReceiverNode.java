package io.tracebridge.app;

import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.LogForwarder;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.ReceiverMetrics;
import io.tracebridge.receiver.SpanForwarder;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.receiver.grpc.OtlpGrpcReceiver;
import io.tracebridge.receiver.http.OtlpHttpVerticle;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.TraceAssemblyStore;
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The OTLP receivers of one node (gRPC and HTTP) over a store: authenticate → map → fill context
 * → store durably → forward (spans and log records). Live records are not published here but by
 * the store's listener ({@code LiveRecordBus}, registered by the role), after each write is
 * durable, on whatever event bus the caller wired: the local one under {@code up}, the clustered
 * one under {@code receiver}. The filler's counters go to {@code metrics}' registry ({@link
 * FillerMetrics}).
 */
final class ReceiverNode {
  private final int grpcPort;
  private final int httpPort;

  private ReceiverNode(int grpcPort, int httpPort) {
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
  }

  /**
   * Starts both transports; what must be stopped is added to {@code lifecycle}. {@code assembly}
   * is the trace assembly side of the store underneath {@code store} (which may decorate it).
   */
  static ReceiverNode start(
      Vertx vertx,
      TraceStore store,
      TraceAssemblyStore assembly,
      ReceiverConfig config,
      TenantAuthenticator authenticator,
      List<SpanForwarder> forwarders,
      Lifecycle lifecycle) {
    return start(vertx, store, assembly, config, authenticator, forwarders, List.of(),
        ReceiverMetrics.none(), lifecycle);
  }

  /**
   * As above, with {@code logForwarders} getting every stored logs export (CloudWatch Logs), and
   * accepted and refused items counted into {@code metrics} (the process's registry).
   */
  static ReceiverNode start(
      Vertx vertx,
      TraceStore store,
      TraceAssemblyStore assembly,
      ReceiverConfig config,
      TenantAuthenticator authenticator,
      List<SpanForwarder> forwarders,
      List<LogForwarder> logForwarders,
      ReceiverMetrics metrics,
      Lifecycle lifecycle) {
    SpanMapper mapper = new SpanMapper();
    // Spans arrive children first, minutes apart, on any node: the filler assembles each trace
    // from the store (nearest ancestor agent, hook copies folded into their steps) and rewrites
    // what was stored before the context arrived.
    TraceContextFiller durable = new TraceContextFiller(store, assembly);
    FillerMetrics.bind(durable, metrics.registry());
    OtlpIngest ingest =
        new OtlpIngest(
            new TraceExportHandler(mapper, durable, forwarders),
            new LogsExportHandler(mapper, durable, logForwarders),
            authenticator,
            config,
            metrics);
    OtlpGrpcReceiver grpc = lifecycle.add(OtlpGrpcReceiver.start(config, ingest));
    OtlpHttpVerticle http = new OtlpHttpVerticle(config, ingest);
    Lifecycle.await(vertx.deployVerticle(http), "the OTLP/HTTP receiver");
    return new ReceiverNode(grpc.port(), http.actualPort());
  }

  int grpcPort() {
    return grpcPort;
  }

  int httpPort() {
    return httpPort;
  }
}
