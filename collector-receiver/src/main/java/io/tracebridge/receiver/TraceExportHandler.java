package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.ExportOutcome.Signal;
import io.tracebridge.store.TraceSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one traces export path shared by every transport: map, store durably, then publish live,
 * then forward.
 *
 * <p>The returned stage completes only after the durable sink has completed, so a transport that
 * acknowledges on completion never acknowledges data that is not stored. A durable failure fails
 * the stage (the transport maps it with {@link ExportErrors}). The live sink is best effort: its
 * failures are counted, never returned, because the records are already stored and a websocket
 * client catches up from the store. Mapping runs on the calling thread (it is CPU work on one
 * request); the stage completes on the durable sink's thread. Thread-safe.
 */
public final class TraceExportHandler {
  private final SpanMapper mapper;
  private final RecordPublisher publisher;
  private final List<SpanForwarder> forwarders;

  /**
   * @param mapper the span mapper
   * @param durable where records must be stored before an export is acknowledged (in production a
   *     {@link TraceContextFiller} over the store)
   * @param live where stored records are published for live viewers, best effort
   */
  public TraceExportHandler(SpanMapper mapper, TraceSink durable, TraceSink live) {
    this(mapper, durable, live, List.of());
  }

  /**
   * @param forwarders each gets every export's spans after they are stored (best effort)
   */
  public TraceExportHandler(
      SpanMapper mapper, TraceSink durable, TraceSink live, List<SpanForwarder> forwarders) {
    this.mapper = mapper;
    this.publisher = new RecordPublisher(durable, live);
    this.forwarders = List.copyOf(forwarders);
  }

  /** Maps and stores one OTLP traces request on behalf of {@code tenant}. */
  public CompletionStage<ExportOutcome> export(String tenant, ExportTraceServiceRequest request) {
    if (request.getResourceSpansCount() == 0) {
      return CompletableFuture.completedFuture(ExportOutcome.empty(Signal.TRACES));
    }
    MappingResult mapped = mapper.map(tenant, request);
    List<FunctionalRecord> records =
        mapped.records().stream().sorted(FunctionalRecord.TIMELINE).toList();
    ExportOutcome outcome =
        new ExportOutcome(Signal.TRACES, records.size(), mapped.rejectedSpans(), mapped.issues());
    return publisher.publish(tenant, records, mapped.spans()).thenApply(stored -> {
      forward(tenant, request);
      return outcome;
    });
  }

  /** A logs handler over the same sinks (for callers that built only this handler). */
  LogsExportHandler logsHandlerOverSameSinks() {
    return new LogsExportHandler(mapper, publisher);
  }

  /** Live publications that failed since start (the records were stored regardless). */
  public long liveFailures() {
    return publisher.liveFailures();
  }

  private void forward(String tenant, ExportTraceServiceRequest request) {
    for (SpanForwarder forwarder : forwarders) {
      forwarder.forward(tenant, request);
    }
  }
}
