package io.tracebridge.mapper.legacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.ToolCall;
import io.tracebridge.mapper.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * Pure and thread-safe.
 */
public final class LegacyTraceView {
  private static final String TOOL_ERROR_STATUS = "error";

  private LegacyTraceView() {}

  public static List<LegacyTrace> of(List<FunctionalRecord> records) {
    List<LegacyTrace> traces = new ArrayList<>(records.size());
    for (FunctionalRecord record : records) {
      traces.add(toLegacy(record));
    }
    return List.copyOf(traces);
  }

  static LegacyTrace toLegacy(FunctionalRecord record) {
    ToolCall tool = record.tool();
    Usage usage = record.usage();
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
      case PROMPT -> "agent_prompt";
      case RESPONSE -> "agent_response";
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

  private static String raw(FunctionalRecord record) {
    try {
      return RecordJson.mapper().writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a functional record must always serialise", e);
    }
  }

  private static String orEmpty(@Nullable String text) {
    return text == null ? "" : text;
  }
}
