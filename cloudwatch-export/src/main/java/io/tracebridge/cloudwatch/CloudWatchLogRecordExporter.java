package io.tracebridge.cloudwatch;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.tracebridge.cloudwatch.otlp.LogDataConverter;
import java.util.Collection;
import javax.annotation.concurrent.ThreadSafe;

/**
 * The CloudWatch export as an OpenTelemetry SDK {@link LogRecordExporter}, for the agent runtime's
 * own log records (the live hook-event records): wrap it in a {@code BatchLogRecordProcessor}
 * beside the OTLP log exporter to the receiver. Each record becomes one event in the log group
 * ({@link io.tracebridge.cloudwatch.logs.LogRecordMapper}). Like {@link CloudWatchSpanExporter}
 * it only queues and returns at once; its shutdown shuts the shared export down.
 */
@ThreadSafe
public final class CloudWatchLogRecordExporter implements LogRecordExporter {
  private final CloudWatchExport export;
  private final java.util.concurrent.atomic.AtomicBoolean shutdown = new java.util.concurrent.atomic.AtomicBoolean();

  CloudWatchLogRecordExporter(CloudWatchExport export) {
    this.export = export;
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> records) {
    if (records.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    try {
      return export.submitLogs(null, LogDataConverter.toRequest(records))
          ? CompletableResultCode.ofSuccess()
          : CompletableResultCode.ofFailure();
    } catch (RuntimeException e) {
      return CompletableResultCode.ofExceptionalFailure(e);
    }
  }

  @Override
  public CompletableResultCode flush() {
    return export.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return shutdown.compareAndSet(false, true) ? export.exporterShutdown() : export.flush();
  }
}
