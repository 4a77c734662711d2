package io.tracebridge.runtime.telemetry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.cloudwatch.otlp.SpanDataConverter;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.legacy.LegacyTraceView;
import java.util.Collection;
import java.util.List;

/**
 * An invocation's own spans as the legacy trace objects the seed's API returned in {@code
 * output.traces} ({@code convert_spans_to_traces}): converted to OTLP, mapped by {@link
 * SpanMapper} to functional records (so they are exactly what TraceBridge stores for them: one per
 * step, usage only on model calls) and given in timeline order in the {@link LegacyTraceView}.
 * Pure and thread-safe.
 */
public final class LegacyTraces {
  /** The tenant the records are mapped for; the legacy objects do not show it. */
  private static final String TENANT = "runtime";
  private static final SpanMapper MAPPER = new SpanMapper();

  private LegacyTraces() {}

  /** The legacy objects of {@code spans}, as a JSON array. */
  public static ArrayNode of(Collection<SpanData> spans) {
    List<FunctionalRecord> records = MAPPER.map(TENANT, SpanDataConverter.toRequest(spans))
        .records().stream().sorted(FunctionalRecord.TIMELINE).toList();
    return RecordJson.mapper().valueToTree(LegacyTraceView.of(records));
  }
}
