package io.tracebridge.bench;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Export batches of whole agent runs ({@link AgentRunTemplates}) under ids never sent before in
 * this run, so every record the receiver maps is new to the store.
 *
 * <p>Content is not rebuilt: each prebuilt {@link SpanData} is wrapped in a {@link
 * DelegatingSpanData} that answers only its span context and its parent's with new ids, so the
 * added cost per span is a wrapper, two span contexts and a hex span id. Ids are a function of the
 * export's sequence number, the trace's place in the export and a random salt per generator run
 * (different runs against one store do not collide either), so they are reproducible within a
 * run: {@link #traceId} names the trace a given export carried, for checking what was stored.
 *
 * <p>Immutable and thread-safe.
 */
final class FreshIdBatches {
  private static final HexFormat HEX = HexFormat.of();

  private final List<AgentRunTemplates.Template> templates;
  private final int tracesPerBatch;
  private final int spansPerTrace;
  private final long traceSalt;
  private final long spanSalt;

  /**
   * @param templates the runs to send, used in turn
   * @param tracesPerBatch whole traces per export
   * @param salt random per generator run
   */
  FreshIdBatches(List<AgentRunTemplates.Template> templates, int tracesPerBatch, long salt) {
    this.templates = List.copyOf(templates);
    this.tracesPerBatch = tracesPerBatch;
    this.spansPerTrace = templates.get(0).size();
    // The salt is the trace id's high half: non-zero, so no trace id is the invalid all-zeros one.
    this.traceSalt = salt == 0 ? 1 : salt;
    this.spanSalt = mix(salt ^ 0x5bd1e9955bd1e995L);
  }

  int tracesPerBatch() {
    return tracesPerBatch;
  }

  int spansPerTrace() {
    return spansPerTrace;
  }

  int spansPerBatch() {
    return tracesPerBatch * spansPerTrace;
  }

  /** The spans of export number {@code exportSeq}: {@link #tracesPerBatch} whole traces. */
  List<SpanData> batch(long exportSeq) {
    List<SpanData> batch = new ArrayList<>(spansPerBatch());
    for (int t = 0; t < tracesPerBatch; t++) {
      long traceOrdinal = exportSeq * tracesPerBatch + t;
      addTrace(batch, template(traceOrdinal), traceOrdinal);
    }
    return batch;
  }

  /** The W3C trace id of the {@code t}-th trace of export {@code exportSeq}. */
  String traceId(long exportSeq, int t) {
    return traceIdOf(exportSeq * tracesPerBatch + t);
  }

  private AgentRunTemplates.Template template(long traceOrdinal) {
    return templates.get((int) Math.floorMod(traceOrdinal, (long) templates.size()));
  }

  private void addTrace(List<SpanData> out, AgentRunTemplates.Template template,
      long traceOrdinal) {
    String traceId = traceIdOf(traceOrdinal);
    List<SpanData> spans = template.spans();
    // Ids first: in export order a child comes before its parent (the root ends last).
    String[] spanIds = new String[spans.size()];
    for (int i = 0; i < spanIds.length; i++) {
      spanIds[i] = spanIdOf(traceOrdinal, i);
    }
    for (int i = 0; i < spanIds.length; i++) {
      SpanData span = spans.get(i);
      SpanContext own = SpanContext.create(traceId, spanIds[i],
          span.getSpanContext().getTraceFlags(), span.getSpanContext().getTraceState());
      int parent = template.parentIndex()[i];
      SpanContext parentContext = parent < 0
          ? span.getParentSpanContext() // the root's: invalid, as the SDK made it
          : SpanContext.create(traceId, spanIds[parent], span.getSpanContext().getTraceFlags(),
              span.getSpanContext().getTraceState());
      out.add(new FreshIdSpan(span, own, parentContext));
    }
  }

  private String traceIdOf(long traceOrdinal) {
    // mix is a bijection, so distinct ordinals give distinct low halves.
    return HEX.toHexDigits(traceSalt) + HEX.toHexDigits(mix(traceOrdinal + traceSalt));
  }

  private String spanIdOf(long traceOrdinal, int spanIndex) {
    long id = mix((traceOrdinal * spansPerTrace + spanIndex) ^ spanSalt);
    // Zero is the invalid span id; one input in 2^64 maps to it.
    return HEX.toHexDigits(id != 0 ? id : 1);
  }

  /**
   * SplitMix64's finaliser: a bijection on 64-bit values that spreads consecutive inputs over the
   * whole range, so ids look random (as SDK-made ones do) while staying unique.
   */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A prebuilt span under other ids; everything else is the template's. */
  private static final class FreshIdSpan extends DelegatingSpanData {
    private final SpanContext spanContext;
    private final SpanContext parentSpanContext;

    FreshIdSpan(SpanData template, SpanContext spanContext, SpanContext parentSpanContext) {
      super(template);
      this.spanContext = spanContext;
      this.parentSpanContext = parentSpanContext;
    }

    @Override
    public SpanContext getSpanContext() {
      return spanContext;
    }

    @Override
    public SpanContext getParentSpanContext() {
      return parentSpanContext;
    }
  }
}
