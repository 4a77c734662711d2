package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the hook-event convention ({@link Dialect#HOOK_EVENTS}): one record per {@link HookEvent}
 * on the span, in event order, plus a reasoning record before a {@code model_response} that
 * carries {@code model.reasoning}.
 *
 * <p>Step keys are {@code <event name>#<n>}, n counting that event name within the span from 0;
 * the reasoning record's is {@code reasoning#<n>} with the n of its {@code model_response}. An
 * event carrying {@code trace_parsing_error} becomes an error record under its own step key.
 * Events of other names are ignored.
 */
final class HookEventMapper implements DialectMapper {
  @Override
  public List<FunctionalRecord> map(SpanView span) {
    List<FunctionalRecord> records = new ArrayList<>();
    Map<HookEvent, Integer> seen = new EnumMap<>(HookEvent.class);
    for (Span.Event event : span.span().getEventsList()) {
      Optional<HookEvent> kind = HookEvent.fromEventName(event.getName());
      if (kind.isEmpty()) {
        continue;
      }
      int ordinal = seen.merge(kind.get(), 1, Integer::sum) - 1;
      mapEvent(span, event, kind.get(), ordinal, records);
    }
    return records;
  }

  static void mapEvent(
      SpanView span, Span.Event event, HookEvent kind, int ordinal, List<FunctionalRecord> out) {
    Attributes attributes = span.eventAttributes(event);
    Instant time = span.eventTime(event);
    String stepKey = kind.eventName() + "#" + ordinal;

    if (attributes.contains(GenAiAttributes.HOOK_TRACE_PARSING_ERROR)) {
      out.add(
          start(span, attributes, RecordType.ERROR, stepKey, time)
              .error(new RecordError(GenAiAttributes.HOOK_TRACE_PARSING_ERROR.name(),
                  attributes.get(GenAiAttributes.HOOK_TRACE_PARSING_ERROR)))
              .build());
      return;
    }

    FunctionalRecord.Builder record = start(span, attributes, kind.recordType(), stepKey, time);
    if (kind.carriesDuration()) {
      record.durationMs(span.durationMs());
    }
    switch (kind) {
      case AGENT_PROMPT -> record.text(attributes.get(GenAiAttributes.HOOK_AGENT_PROMPT));
      case MODEL_REQUEST -> {
        record.text(attributes.get(GenAiAttributes.HOOK_MODEL_PROMPT));
        String model = attributes.get(GenAiAttributes.HOOK_MODEL_NAME);
        if (model == null) {
          model = span.attributes().get(GenAiAttributes.REQUEST_MODEL);
        }
        if (model != null) {
          record.model(model);
        }
      }
      case MODEL_RESPONSE -> {
        String reasoning = attributes.get(GenAiAttributes.HOOK_MODEL_REASONING);
        if (reasoning != null) {
          // The reasoning came before the answer: 1 ns before it, so the timeline (time, then
          // id) always reads reasoning, model_response.
          out.add(
              start(span, attributes, RecordType.REASONING,
                  HookEvent.REASONING_STEP + "#" + ordinal, time.minusNanos(1))
                  .text(reasoning)
                  .build());
        }
        record
            .text(SeedHookText.content(attributes.get(GenAiAttributes.HOOK_MODEL_RESPONSE)))
            .finishReason(attributes.get(GenAiAttributes.HOOK_MODEL_FINISH_REASON))
            .usage(UsageReader.modelCall(span, attributes));
      }
      case TOOL_REQUEST -> record.tool(ToolCallMapper.request(span, attributes));
      case TOOL_RESPONSE -> record.tool(ToolCallMapper.response(span, attributes));
      case AGENT_RESPONSE ->
          record
              .text(SeedHookText.content(attributes.get(GenAiAttributes.HOOK_AGENT_RESPONSE)))
              .totalUsage(UsageReader.agentTotal(span, attributes));
    }
    out.add(record.build());
  }

  private static FunctionalRecord.Builder start(
      SpanView span, Attributes attributes, RecordType type, String stepKey, Instant time) {
    return CommonFieldsMapper.start(span, attributes, Dialect.HOOK_EVENTS, type, stepKey, time);
  }
}
