package io.tracebridge.mapper.internal;

import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Reads Strands native spans ({@link Dialect#STRANDS}) and OpenTelemetry GenAI semconv spans
 * ({@link Dialect#GENAI_SEMCONV}): both put the same {@code gen_ai.*} keys and message events on
 * spans, so one mapper reads both and labels the record with the dialect of the producer (Strands
 * when the scope is Strands' or {@code gen_ai.system|provider.name = strands-agents}).
 *
 * <p>By operation ({@code gen_ai.operation.name}, else the span name's first word):
 *
 * <ul>
 *   <li>{@code invoke_agent}: {@code prompt} (last user text of the input) and {@code response}
 *       (output text; the span's usage as the agent's accumulated {@code totalUsage}; the run's
 *       stop reason as {@code finishReason} and, when the span failed, its {@code error}, see
 *       {@link RunStopReason});
 *   <li>{@code chat}, {@code text_completion}, {@code generate_content}: {@code model_request}
 *       (last user text; the system prompt and the input messages new since the previous call,
 *       see {@link ChatContent#newInputMessages}), one {@code reasoning} record per reasoning
 *       part, {@code model_response}
 *       (output text, finish reason, this call's usage). For producers that make no tool spans
 *       (not Strands), tool calls in the output become {@code tool_request}s and the tool results
 *       that end the input {@code tool_response}s, keyed by the tool call id (see {@link
 *       #toolStepId}); a root chat span whose input has no assistant turn also gives the
 *       {@code prompt};
 *   <li>{@code execute_tool}: {@code tool_request} (arguments) and {@code tool_response} (result,
 *       status; {@code error} when the span failed).
 * </ul>
 *
 * <p>Content comes from {@link GenAiContentReader}. Spans of other operations (Strands'
 * {@code execute_event_loop_cycle}, say) give nothing here; errors are {@link ErrorMapper}'s.
 */
final class GenAiSpanMapper implements DialectMapper {
  /** The operations of a model call: the one rule's ({@link io.tracebridge.mapper.UsageRule}). */
  private static final Set<String> MODEL_OPERATIONS = io.tracebridge.mapper.UsageRule.MODEL_OPERATIONS;

  /** What a span is, for the records it gives. */
  enum Kind {
    AGENT,
    MODEL,
    TOOL,
    OTHER
  }

  @Override
  public List<FunctionalRecord> map(SpanView span) {
    Kind kind = kindOf(span);
    if (kind == Kind.OTHER) {
      return List.of();
    }
    return records(span, GenAiContentReader.read(span), kind, dialectOf(span));
  }

  static Kind kindOf(SpanView span) {
    String op = span.operation();
    if (GenAiAttributes.OPERATION_INVOKE_AGENT.equals(op) || io.tracebridge.genai.GenAi.OP_CREATE_AGENT.equals(op)) {
      return GenAiAttributes.OPERATION_INVOKE_AGENT.equals(op) ? Kind.AGENT : Kind.OTHER;
    }
    if (MODEL_OPERATIONS.contains(op)
        && (span.attributes().contains(GenAiAttributes.OPERATION_NAME) || span.isStrands())) {
      return Kind.MODEL;
    }
    if (io.tracebridge.genai.GenAi.OP_EXECUTE_TOOL.equals(op)) {
      return Kind.TOOL;
    }
    return Kind.OTHER;
  }

  static Dialect dialectOf(SpanView span) {
    return span.isStrands() ? Dialect.STRANDS : Dialect.GENAI_SEMCONV;
  }

  /** The records {@code content} gives for a span of {@code kind}. */
  static List<FunctionalRecord> records(
      SpanView span, ChatContent content, Kind kind, Dialect dialect) {
    return records(span, content, kind, dialect, span.ids().parentSpanId() == null);
  }

  /**
   * @param mayBeRoot whether a model span may be the root of its trace (and so give the prompt);
   *     false for log records, which do not say
   */
  static List<FunctionalRecord> records(
      SpanView span, ChatContent content, Kind kind, Dialect dialect, boolean mayBeRoot) {
    List<FunctionalRecord> out = new ArrayList<>();
    Instant start = Instant.ofEpochSecond(0, span.span().getStartTimeUnixNano());
    Instant end = span.span().getEndTimeUnixNano() != 0
        ? Instant.ofEpochSecond(0, span.span().getEndTimeUnixNano())
        : start;
    Attributes none = Attributes.of(List.of(), span.onOddValue());
    switch (kind) {
      case AGENT -> {
        String prompt = content.lastUserText();
        if (prompt != null) {
          out.add(CommonFieldsMapper.start(span, none, dialect, RecordType.PROMPT, "agent_prompt#0", start)
              .text(prompt).build());
        }
        String answer = content.outputText();
        var totals = UsageReader.read(span.attributes());
        RecordError error = ErrorMapper.firstError(span);
        if (answer != null || totals != null || error != null) {
          out.add(CommonFieldsMapper.start(span, none, dialect, RecordType.RESPONSE,
                  "agent_response#0", end)
              .text(answer == null ? null : answer.strip())
              .finishReason(RunStopReason.of(content.finishReason(), error))
              .error(error)
              .totalUsage(totals)
              .durationMs(span.durationMs())
              .build());
        }
      }
      case MODEL -> modelRecords(span, content, dialect, start, end, none, mayBeRoot, out);
      case TOOL -> toolRecords(span, content, dialect, start, end, none, out);
      case OTHER -> { }
    }
    return out;
  }

  private static void modelRecords(
      SpanView span, ChatContent content, Dialect dialect, Instant start, Instant end,
      Attributes none, boolean mayBeRoot, List<FunctionalRecord> out) {
    boolean makesToolSpans = dialect == Dialect.STRANDS || span.isStrands()
        || dialect == Dialect.ADOT_LOGS;
    if (!makesToolSpans && mayBeRoot && !content.inputHasAssistantTurn()
        && content.lastUserText() != null) {
      out.add(CommonFieldsMapper.start(span, none, dialect, RecordType.PROMPT, "agent_prompt#0", start)
          .text(content.lastUserText()).build());
    }
    out.add(CommonFieldsMapper.start(span, none, dialect, RecordType.MODEL_REQUEST,
            "model_request#0", start)
        .text(content.lastUserText())
        .systemPrompt(content.systemPrompt())
        .messages(InputMessages.of(content.newInputMessages()))
        .build());
    // Reasoning happens during the call: stamped just after its start (start + 1 + i ns), so the
    // timeline reads request, reasoning, response.
    List<ChatMessage.Part> reasoning = content.outputParts(ChatMessage.Kind.REASONING);
    for (int i = 0; i < reasoning.size(); i++) {
      out.add(CommonFieldsMapper.start(span, none, dialect, RecordType.REASONING,
              HookEvent.REASONING_STEP + "#" + i, start.plusNanos(1L + i))
          .text(reasoning.get(i).text()).build());
    }
    if (!makesToolSpans) {
      List<ChatMessage.Part> results = content.trailingToolResults();
      for (int i = 0; i < results.size(); i++) {
        ChatMessage.Part result = results.get(i);
        out.add(toolStep(span, none, dialect, RecordType.TOOL_RESPONSE, result.callId(), i, start)
            .tool(ToolCall.named(content.inputToolName(result.callId()), result.callId(), null,
                result.text(), result.status()))
            .build());
      }
    }
    String finish = content.finishReason();
    if (finish == null) {
      finish = firstFinishReason(span);
    }
    out.add(CommonFieldsMapper.start(span, none, dialect, RecordType.MODEL_RESPONSE,
            "model_response#0", end)
        .text(content.outputText())
        .finishReason(finish)
        .usage(span.isAgentSpan() ? null : UsageReader.read(span.attributes()))
        .durationMs(span.durationMs())
        .build());
    if (!makesToolSpans) {
      List<ChatMessage.Part> calls = content.outputParts(ChatMessage.Kind.TOOL_CALL);
      for (int i = 0; i < calls.size(); i++) {
        ChatMessage.Part call = calls.get(i);
        out.add(toolStep(span, none, dialect, RecordType.TOOL_REQUEST, call.callId(), i, end)
            .tool(ToolCall.named(call.toolName(), call.callId(), call.arguments(), null, null))
            .build());
      }
    }
  }

  private static void toolRecords(
      SpanView span, ChatContent content, Dialect dialect, Instant start, Instant end,
      Attributes none, List<FunctionalRecord> out) {
    Attributes attributes = span.attributes();
    String name = attributes.first(GenAiAttributes.TOOL_NAME, GenAiAttributes.OI_TOOL_NAME);
    String callId = attributes.first(GenAiAttributes.TOOL_CALL_ID, GenAiAttributes.OI_TOOL_CALL_ID,
        GenAiAttributes.OI_TOOL_ID);
    String input = attributes.get(GenAiAttributes.TOOL_CALL_ARGUMENTS);
    String output = attributes.get(GenAiAttributes.TOOL_CALL_RESULT);
    if (output != null) {
      output = MessageParser.toolOutput(MessageParser.parse(output) != null
          ? MessageParser.parse(output) : com.fasterxml.jackson.databind.node.TextNode.valueOf(output));
    }
    // Strands default mode: gen_ai.tool.message {content = input, id}, gen_ai.choice {message}.
    // Latest mode / ADOT: a tool_call part in, a tool_call_response part out.
    for (ChatMessage m : content.input()) {
      for (ChatMessage.Part p : m.parts()) {
        if (input == null && p.kind() == ChatMessage.Kind.TOOL_CALL) {
          input = p.arguments();
        } else if (input == null && p.kind() == ChatMessage.Kind.TOOL_RESULT && m.hasRole("tool")) {
          input = p.text(); // the legacy tool message's content is the tool input
        } else if (input == null && p.kind() == ChatMessage.Kind.TEXT && m.hasRole("tool")) {
          input = p.text();
        }
      }
    }
    if (output == null) {
      for (ChatMessage m : content.output()) {
        for (ChatMessage.Part p : m.parts()) {
          if (output == null && (p.kind() == ChatMessage.Kind.TOOL_RESULT
              || p.kind() == ChatMessage.Kind.TEXT)) {
            output = p.text();
          }
        }
      }
    }
    if (callId == null) {
      // ADOT content logs know the call only from the tool message's id.
      callId = content.input().stream().flatMap(m -> m.parts().stream())
          .map(ChatMessage.Part::callId).filter(id -> id != null).findFirst().orElse(null);
    }
    String status = attributes.get(GenAiAttributes.TOOL_STATUS);
    if (ErrorMapper.failed(span)) {
      status = "error";
    }
    // Keyed by the tool call id when there is one, so the same call seen on the model span that
    // asked for it (producers without tool spans of their own) is one record, not two.
    out.add(toolStep(span, none, dialect, RecordType.TOOL_REQUEST, callId, 0, start)
        .tool(ToolCall.named(name, callId, input, null, null)).build());
    out.add(toolStep(span, none, dialect, RecordType.TOOL_RESPONSE, callId, 0, end)
        .tool(ToolCall.named(name, callId, null, output, status == null ? "success" : status))
        .durationMs(span.durationMs())
        .build());
  }

  /**
   * A tool step seen on a model span (a tool call in its output, a tool result in its input),
   * keyed by trace and tool call id rather than by span: the same call seen again gets the same
   * id. Without a call id it is keyed by the span and its place among the span's tool steps of
   * that type ({@code ordinal}), so two calls without ids stay two records.
   */
  private static FunctionalRecord.Builder toolStep(
      SpanView span, Attributes none, Dialect dialect, RecordType type, @Nullable String callId,
      int ordinal, Instant time) {
    String step = (type == RecordType.TOOL_REQUEST ? "tool_request#" : "tool_response#") + ordinal;
    FunctionalRecord.Builder b = CommonFieldsMapper.start(span, none, dialect, type, step, time);
    if (callId != null) {
      b.recordId(toolStepId(span.ids().traceId(), type, callId));
    }
    return b;
  }

  static String toolStepId(String traceId, RecordType type, String callId) {
    return RecordIds.of(traceId, "tool_call", type.wireName() + "#" + callId);
  }

  @Nullable
  private static String firstFinishReason(SpanView span) {
    var raw = span.attributes().raw(GenAiAttributes.FINISH_REASONS.name());
    if (raw == null) {
      return null;
    }
    if (raw.hasArrayValue() && raw.getArrayValue().getValuesCount() > 0) {
      return raw.getArrayValue().getValues(0).getStringValue();
    }
    return span.attributes().get(GenAiAttributes.FINISH_REASONS);
  }
}
