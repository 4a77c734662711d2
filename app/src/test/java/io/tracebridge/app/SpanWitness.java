package io.tracebridge.app;

import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * A copy of every span the runtime ends, taken in-process as each span ends (a
 * {@link SimpleSpanProcessor} beside the runtime's OTLP exporter), and what those spans must
 * become in the store.
 *
 * <p>The end-to-end tests need to know when a trace is complete. Nothing the pipeline stores can
 * tell them: a trace's records arrive from several OTLP requests (live hook-event log records,
 * then span batches) and land one by one, so any record (the root span's answer, say) may be
 * readable before another. The witness knows independently which spans ended and maps them with
 * the same {@link SpanMapper} the receiver uses.
 */
final class SpanWitness {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SpanMapper mapper = new SpanMapper();

  /** The processor to hand to the runtime ({@code EmbeddedStack.Options#withExtraSpanProcessors}). */
  SpanProcessor processor() {
    return SimpleSpanProcessor.create(spans);
  }

  /** The trace's ended spans, in start order. */
  List<SpanData> spansOf(String traceId) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(traceId))
        .sorted(Comparator.comparing(SpanData::getStartEpochNanos))
        .toList();
  }

  /** True once the trace's root span has ended (it ends last). */
  boolean rootEnded(String traceId) {
    return spansOf(traceId).stream().anyMatch(s -> !s.getParentSpanContext().isValid());
  }

  /**
   * The records the trace's ended spans map to, as the receiver maps them for {@code tenant}:
   * encoded to OTLP protobuf by the OpenTelemetry exporter's own marshaler, then decoded.
   */
  List<FunctionalRecord> expectedRecords(String tenant, String traceId) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      TraceRequestMarshaler.create(spansOf(traceId)).writeBinaryTo(bytes);
      return mapper.map(tenant, ExportTraceServiceRequest.parseFrom(bytes.toByteArray())).records();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
