package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.ExportOutcome.Signal;
import io.tracebridge.store.TraceSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one logs export path shared by every transport: {@link SpanMapper#mapLogs} (hook events
 * sent as log records, ADOT content logs), store durably, then forward.
 *
 * <p>Same contract as {@link TraceExportHandler}: the stage completes only after the durable sink
 * has completed and fails with its failure. Log records the
 * mapper cannot read are counted in {@link ExportOutcome#rejected()} (OTLP {@code
 * rejected_log_records}). Once stored, the request is handed to each {@link LogForwarder} (CloudWatch
 * Logs), as the traces handler hands spans to its {@link SpanForwarder}s. Thread-safe.
 */
public final class LogsExportHandler {
  private final SpanMapper mapper;
  private final TraceSink durable;
  private final List<LogForwarder> forwarders;

  /**
   * @param mapper the span mapper (its {@code mapLogs})
   * @param durable where records must be stored before an export is acknowledged: the same sink
   *     as the traces handler's, so that logs and spans of one trace fill each other in
   */
  public LogsExportHandler(SpanMapper mapper, TraceSink durable) {
    this(mapper, durable, List.of());
  }

  /**
   * @param forwarders each gets every export's log records after they are stored (best effort)
   */
  public LogsExportHandler(SpanMapper mapper, TraceSink durable, List<LogForwarder> forwarders) {
    this.mapper = mapper;
    this.durable = durable;
    this.forwarders = List.copyOf(forwarders);
  }

  /** Maps and stores one OTLP logs request on behalf of {@code tenant}. */
  public CompletionStage<ExportOutcome> export(String tenant, ExportLogsServiceRequest request) {
    if (request.getResourceLogsCount() == 0) {
      return CompletableFuture.completedFuture(ExportOutcome.empty(Signal.LOGS));
    }
    MappingResult mapped = mapper.mapLogs(tenant, request);
    List<FunctionalRecord> records =
        mapped.records().stream().sorted(FunctionalRecord.TIMELINE).toList();
    ExportOutcome outcome =
        new ExportOutcome(Signal.LOGS, records.size(), mapped.rejectedSpans(), mapped.issues());
    String recordsTenant = records.isEmpty() ? tenant : records.get(0).tenant();
    return TraceExportHandler.store(durable, recordsTenant, records, List.of()).thenApply(stored -> {
      for (LogForwarder forwarder : forwarders) {
        forwarder.forward(tenant, request);
      }
      return outcome;
    });
  }
}
