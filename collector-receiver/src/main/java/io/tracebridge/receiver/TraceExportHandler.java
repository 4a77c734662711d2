package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.receiver.ExportOutcome.Signal;
import io.tracebridge.store.TraceSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one traces export path shared by every transport: map, store durably, then forward.
 *
 * <p>The returned stage completes only after the durable sink has completed, so a transport that
 * acknowledges on completion never acknowledges data that is not stored. A durable failure fails
 * the stage (the transport maps it with {@link ExportErrors}). Live viewers are not this class's
 * concern: the store tells its {@link io.tracebridge.store.StoredRecordListener}s about every
 * version it made durable (the web role publishes them). Mapping runs on the calling thread (it
 * is CPU work on one request); the stage completes on the durable sink's thread. Thread-safe.
 */
public final class TraceExportHandler {
  private final SpanMapper mapper;
  private final TraceSink durable;
  private final List<SpanForwarder> forwarders;

  /**
   * @param mapper the span mapper
   * @param durable where records must be stored before an export is acknowledged (in production a
   *     {@link io.tracebridge.store.assembly.TraceContextFiller} over the store); it gets each
   *     export's records with its span topology ({@link TraceSink#accept(String, List, List)})
   */
  public TraceExportHandler(SpanMapper mapper, TraceSink durable) {
    this(mapper, durable, List.of());
  }

  /**
   * @param forwarders each gets every export's spans after they are stored (best effort)
   */
  public TraceExportHandler(SpanMapper mapper, TraceSink durable, List<SpanForwarder> forwarders) {
    this.mapper = mapper;
    this.durable = durable;
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
    return store(durable, tenant, records, mapped.spans()).thenApply(stored -> {
      forward(tenant, request);
      return outcome;
    });
  }

  /** A logs handler over the same durable sink (for callers that built only this handler). */
  LogsExportHandler logsHandlerOverSameSink() {
    return new LogsExportHandler(mapper, durable);
  }

  /** {@code durable.accept}, a throw turned into a failed stage. */
  static CompletionStage<Void> store(
      TraceSink durable, String tenant, List<FunctionalRecord> records, List<SpanNode> spans) {
    if (records.isEmpty() && spans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return durable.accept(tenant, records, spans);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void forward(String tenant, ExportTraceServiceRequest request) {
    for (SpanForwarder forwarder : forwarders) {
      forwarder.forward(tenant, request);
    }
  }
}
