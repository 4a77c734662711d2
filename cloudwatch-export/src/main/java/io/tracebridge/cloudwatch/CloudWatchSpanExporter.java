package io.tracebridge.cloudwatch;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracebridge.cloudwatch.otlp.SpanDataConverter;
import java.util.Collection;
import javax.annotation.concurrent.ThreadSafe;

/**
 * The CloudWatch export as an OpenTelemetry SDK {@link SpanExporter}, for the agent runtime: wrap
 * it in a {@code BatchSpanProcessor} beside the OTLP exporter to the receiver.
 *
 * <p>{@link #export} converts the batch to OTLP protobuf ({@link SpanDataConverter}) and queues it
 * in the {@link CloudWatchExport}; it returns at once, successful when queued and failed when the
 * queue was full (the drop is counted there). It never waits on CloudWatch, so neither the agent
 * nor the batch processor's thread is held up by a slow or throttling endpoint. {@link #flush()}
 * completes when the queue has drained; {@link #shutdown()} shuts the export down once every SDK
 * exporter over it (this one and {@link CloudWatchExport#logRecordExporter()}) has shut down.
 */
@ThreadSafe
public final class CloudWatchSpanExporter implements SpanExporter {
  private final CloudWatchExport export;
  private final java.util.concurrent.atomic.AtomicBoolean shutdown = new java.util.concurrent.atomic.AtomicBoolean();

  CloudWatchSpanExporter(CloudWatchExport export) {
    this.export = export;
  }

  /** Builds a {@link CloudWatchExport} from {@code config} and returns its exporter. */
  public static CloudWatchSpanExporter create(CloudWatchExportConfig config) {
    return (CloudWatchSpanExporter) CloudWatchExport.create(config).spanExporter();
  }

  /** The pipeline behind this exporter, for its counters. */
  public CloudWatchExport export() {
    return export;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (spans.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    try {
      return export.submit(null, SpanDataConverter.toRequest(spans))
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

  @Override
  public String toString() {
    return "CloudWatchSpanExporter{" + export.config().traces() + ", logs=" + export.config().logsEnabled() + "}";
  }
}
