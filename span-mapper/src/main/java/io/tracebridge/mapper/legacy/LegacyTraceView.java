package io.tracebridge.mapper.legacy;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.HookEvents;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.ToolCall;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.Usage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Records to the legacy trace schema, following the seed's {@code convert_spans_to_traces}.
 *
 * <p>One {@link LegacyTrace} per record, in the order given. {@code TraceType} is the hook event
 * name of the record's type ({@code prompt} → {@code agent_prompt}, {@code response} → {@code
 * agent_response}, {@code error} → {@code failure}, the others unchanged); {@code llmQuery} is
 * the text of a prompt or model request; {@code llmResponse} the text of a model response or
 * answer, with {@code " (finish: X)"} appended when a finish reason is set ({@code
 * "finish_reason: X"} when there is no text); {@code rationale} the reasoning text; {@code
 * failureReason} the error message, or the output of a tool whose status is {@code error}.
 *
 * <p>Tokens: summing {@code InputTokens} / {@code OutputTokens} over the objects of a trace gives
 * the trace's totals once ({@link io.tracebridge.mapper.TraceUsage}'s rule). A {@code
 * model_response} has its call's usage; the agent-level totals of a {@code response} are counted
 * only in a trace whose records carry no per-call usage; every other object has 0. {@code
 * InputTokens} includes the cached input ({@link Usage}).
 *
 * <p>{@code raw} is the seed's JSON object: {@code event_name} (the hook event's name), {@code
 * event_timestamp_ns}, {@code event_attributes} (the record's content under the seed hook's
 * attribute names: {@code agent.prompt}, {@code model.name}, {@code model.prompt}, {@code
 * model.response}, {@code model.finish_reason}, {@code model.input_tokens}, {@code
 * model.output_tokens}, {@code model.reasoning}, {@code tool.name}, {@code tool.input}, {@code
 * tool.output}, {@code tool.status}, {@code agent.response}, {@code agent.input_tokens}, {@code
 * agent.output_tokens}, {@code trace_parsing_error}, {@code exception.type}, {@code
 * exception.message}; only those the record has), {@code span_name}, {@code span_id}, {@code
 * trace_id} (the X-Ray form, as the seed writes it) and {@code parent_span_id} (null for a root).
 * Pure and thread-safe.
 */
public final class LegacyTraceView {
  private static final String TOOL_ERROR_STATUS = "error";
  private static final String TRACE_PARSING_ERROR = HookEvents.KEY_TRACE_PARSING_ERROR;
  /** The seed serialises {@code raw} with {@code json.dumps}: nulls are kept. */
  private static final ObjectMapper RAW_JSON = new ObjectMapper();

  private LegacyTraceView() {}

  /** The legacy objects of {@code records} (one or more traces), in the order given. */
  public static List<LegacyTrace> of(List<FunctionalRecord> records) {
    Set<String> tracesWithCallUsage = new HashSet<>();
    for (FunctionalRecord record : records) {
      if (TraceUsage.callUsage(record) != null) {
        tracesWithCallUsage.add(traceKey(record));
      }
    }
    List<LegacyTrace> traces = new ArrayList<>(records.size());
    for (FunctionalRecord record : records) {
      traces.add(toLegacy(record, tokens(record, tracesWithCallUsage)));
    }
    return List.copyOf(traces);
  }

  private static String traceKey(FunctionalRecord record) {
    return record.tenant() + "/" + record.traceId();
  }

  /** The usage a record's legacy object counts: see the class comment. */
  @Nullable
  private static Usage tokens(FunctionalRecord record, Set<String> tracesWithCallUsage) {
    Usage call = TraceUsage.callUsage(record);
    if (call != null) {
      return call;
    }
    return tracesWithCallUsage.contains(traceKey(record)) ? null : TraceUsage.agentTotal(record);
  }

  static LegacyTrace toLegacy(FunctionalRecord record, @Nullable Usage usage) {
    ToolCall tool = record.tool();
    return new LegacyTrace(
        record.xrayTraceId(),
        record.timestamp().toString(),
        raw(record),
        traceType(record.type()),
        usage == null ? 0 : usage.inputTokens(),
        usage == null ? 0 : usage.outputTokens(),
        tool == null ? "" : orEmpty(tool.actionGroup()),
        tool == null ? "" : orEmpty(tool.action()),
        "",
        tool == null ? "" : orEmpty(tool.input()),
        List.of(),
        tool == null ? "" : orEmpty(tool.output()),
        "",
        "",
        List.of(),
        llmQuery(record),
        llmResponse(record),
        "",
        record.type() == RecordType.REASONING ? orEmpty(record.text()) : "",
        failureReason(record));
  }

  static String traceType(RecordType type) {
    return switch (type) {
      case PROMPT -> HookEvents.AGENT_PROMPT;
      case RESPONSE -> HookEvents.AGENT_RESPONSE;
      case ERROR -> "failure";
      default -> type.wireName();
    };
  }

  private static String llmQuery(FunctionalRecord record) {
    return record.type() == RecordType.PROMPT || record.type() == RecordType.MODEL_REQUEST
        ? orEmpty(record.text())
        : "";
  }

  private static String llmResponse(FunctionalRecord record) {
    String response =
        record.type() == RecordType.MODEL_RESPONSE || record.type() == RecordType.RESPONSE
            ? orEmpty(record.text())
            : "";
    String finish = record.finishReason();
    if (finish == null) {
      return response;
    }
    return response.isEmpty()
        ? "finish_reason: " + finish
        : response + " (finish: " + finish + ")";
  }

  private static String failureReason(FunctionalRecord record) {
    if (record.error() != null) {
      return orEmpty(record.error().message());
    }
    ToolCall tool = record.tool();
    if (tool != null && tool.status() != null
        && TOOL_ERROR_STATUS.equals(tool.status().toLowerCase(Locale.ROOT))) {
      return orEmpty(tool.output());
    }
    return "";
  }

  /** The seed's {@code raw}: see the class comment. */
  private static String raw(FunctionalRecord record) {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("event_name", eventName(record));
    raw.put("event_timestamp_ns", record.timestampNanos());
    raw.put("event_attributes", eventAttributes(record));
    raw.put("span_name", orEmpty(record.spanName()));
    raw.put("span_id", record.spanId());
    raw.put("trace_id", record.xrayTraceId());
    raw.put("parent_span_id", record.parentSpanId());
    try {
      return RAW_JSON.writeValueAsString(raw);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a legacy raw event must always serialise", e);
    }
  }

  /** The name of the hook event the record is (an exception event for other errors). */
  private static String eventName(FunctionalRecord record) {
    if (record.type() == RecordType.ERROR) {
      RecordError error = record.error();
      return error != null && TRACE_PARSING_ERROR.equals(error.type())
          ? TRACE_PARSING_ERROR : "exception";
    }
    return traceType(record.type());
  }

  private static Map<String, Object> eventAttributes(FunctionalRecord record) {
    Map<String, Object> a = new LinkedHashMap<>();
    ToolCall tool = record.tool();
    switch (record.type()) {
      case PROMPT -> put(a, HookEvents.KEY_AGENT_PROMPT, record.text());
      case MODEL_REQUEST -> {
        put(a, HookEvents.KEY_MODEL_NAME, record.model());
        put(a, HookEvents.KEY_MODEL_PROMPT, record.text());
      }
      case MODEL_RESPONSE -> {
        put(a, HookEvents.KEY_MODEL_RESPONSE, record.text());
        put(a, HookEvents.KEY_MODEL_FINISH_REASON, record.finishReason());
        if (record.usage() != null) {
          a.put(HookEvents.KEY_MODEL_INPUT_TOKENS, record.usage().inputTokens());
          a.put(HookEvents.KEY_MODEL_OUTPUT_TOKENS, record.usage().outputTokens());
        }
      }
      case REASONING -> put(a, HookEvents.KEY_MODEL_REASONING, record.text());
      case TOOL_REQUEST, TOOL_RESPONSE -> {
        if (tool != null) {
          put(a, HookEvents.KEY_TOOL_NAME, tool.name());
          put(a, HookEvents.KEY_TOOL_INPUT, tool.input());
          put(a, HookEvents.KEY_TOOL_OUTPUT, tool.output());
          put(a, HookEvents.KEY_TOOL_STATUS, tool.status());
        }
      }
      case RESPONSE -> {
        put(a, HookEvents.KEY_AGENT_RESPONSE, record.text());
        if (record.totalUsage() != null) {
          a.put(HookEvents.KEY_AGENT_INPUT_TOKENS, record.totalUsage().inputTokens());
          a.put(HookEvents.KEY_AGENT_OUTPUT_TOKENS, record.totalUsage().outputTokens());
        }
      }
      case ERROR -> {
        RecordError error = record.error();
        if (error != null && TRACE_PARSING_ERROR.equals(error.type())) {
          put(a, TRACE_PARSING_ERROR, error.message());
        } else if (error != null) {
          put(a, GenAi.EXCEPTION_TYPE, error.type());
          put(a, GenAi.EXCEPTION_MESSAGE, error.message());
        }
      }
    }
    return a;
  }

  private static void put(Map<String, Object> attributes, String key, @Nullable String value) {
    if (value != null) {
      attributes.put(key, value);
    }
  }

  private static String orEmpty(@Nullable String text) {
    return text == null ? "" : text;
  }
}
