package io.tracebridge.mapper.internal;

import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.internal.ChatMessage.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * Reads OpenInference spans ({@link Dialect#OPENINFERENCE}) by {@code openinference.span.kind}:
 *
 * <ul>
 *   <li>{@code LLM}: messages from {@code llm.input_messages.N.message.*} and {@code
 *       llm.output_messages.N.message.*} (content, {@code contents.M.message_content.*}, {@code
 *       tool_calls.M.tool_call.*}, {@code tool_call_id}); usage from {@code llm.token_count.*};
 *       then the same records as a semconv model span ({@link GenAiSpanMapper});
 *   <li>{@code TOOL}: {@code tool.name}, {@code tool_call.id}, input {@code input.value}, output
 *       {@code output.value};
 *   <li>{@code AGENT}, and a root {@code CHAIN}: prompt {@code input.value}, response {@code
 *       output.value}, with {@code llm.token_count.*} (an accumulated total) on the response only.
 * </ul>
 *
 * The model comes from {@code llm.model_name}, the provider from {@code llm.provider} or {@code
 * llm.system}, when the span has no {@code gen_ai.*} ones.
 */
final class OpenInferenceMapper implements DialectMapper {
  @Override
  public List<FunctionalRecord> map(SpanView span) {
    Attributes a = span.attributes();
    String kind = a.get(GenAiAttributes.OI_SPAN_KIND);
    if (kind == null) {
      return List.of();
    }
    List<FunctionalRecord> records =
        switch (kind.toUpperCase(java.util.Locale.ROOT)) {
          case "LLM" -> llm(span);
          case "TOOL" -> tool(span);
          case "AGENT" -> agent(span);
          case "CHAIN" -> span.ids().parentSpanId() == null ? agent(span) : List.of();
          default -> List.of();
        };
    String model = a.get(GenAiAttributes.OI_MODEL_NAME);
    String provider = a.first(GenAiAttributes.OI_PROVIDER, GenAiAttributes.OI_SYSTEM);
    return records.stream()
        .map(r -> r.toBuilder()
            .model(r.model() != null ? r.model() : model)
            .provider(r.provider() != null ? r.provider() : provider)
            .build())
        .toList();
  }

  private static List<FunctionalRecord> llm(SpanView span) {
    ChatContent content = new ChatContent(
        messages(span.attributes(), GenAiAttributes.OI_INPUT_MESSAGES),
        messages(span.attributes(), GenAiAttributes.OI_OUTPUT_MESSAGES));
    List<FunctionalRecord> records = new ArrayList<>();
    for (FunctionalRecord r : GenAiSpanMapper.records(
        span, content, GenAiSpanMapper.Kind.MODEL, Dialect.OPENINFERENCE)) {
      if (r.type() == io.tracebridge.mapper.RecordType.MODEL_RESPONSE) {
        FunctionalRecord.Builder b = r.toBuilder().usage(UsageReader.openInference(span.attributes()));
        if (r.finishReason() == null) {
          b.finishReason(span.attributes().get(GenAiAttributes.OI_FINISH_REASON));
        }
        r = b.build();
      }
      records.add(r);
    }
    return records;
  }

  private static List<FunctionalRecord> tool(SpanView span) {
    Attributes a = span.attributes();
    List<FunctionalRecord> records = new ArrayList<>();
    for (FunctionalRecord r : GenAiSpanMapper.records(
        span, ChatContent.EMPTY, GenAiSpanMapper.Kind.TOOL, Dialect.OPENINFERENCE)) {
      var tool = r.tool();
      boolean response = r.type() == io.tracebridge.mapper.RecordType.TOOL_RESPONSE;
      records.add(r.toBuilder()
          .tool(io.tracebridge.mapper.ToolCall.named(tool.name(), tool.callId(),
              response ? null : a.get(GenAiAttributes.OI_INPUT_VALUE),
              response ? a.get(GenAiAttributes.OI_OUTPUT_VALUE) : null,
              tool.status()))
          .build());
    }
    return records;
  }

  private static List<FunctionalRecord> agent(SpanView span) {
    Attributes a = span.attributes();
    ChatContent content = new ChatContent(
        textMessage("user", a.get(GenAiAttributes.OI_INPUT_VALUE)),
        textMessage("assistant", a.get(GenAiAttributes.OI_OUTPUT_VALUE)));
    List<FunctionalRecord> records = new ArrayList<>();
    for (FunctionalRecord r : GenAiSpanMapper.records(
        span, content, GenAiSpanMapper.Kind.AGENT, Dialect.OPENINFERENCE)) {
      if (r.type() == io.tracebridge.mapper.RecordType.RESPONSE && r.totalUsage() == null) {
        r = r.toBuilder().totalUsage(UsageReader.openInference(a)).build();
      }
      records.add(r);
    }
    return records;
  }

  private static List<ChatMessage> textMessage(String role, @Nullable String text) {
    return text == null ? List.of() : List.of(new ChatMessage(role, List.of(Part.text(text)), null));
  }

  /** The flattened {@code <prefix>N.message.*} attributes as messages, in index order. */
  static List<ChatMessage> messages(Attributes a, String prefix) {
    TreeMap<Integer, String> indexes = new TreeMap<>();
    for (String name : a.namesStartingWith(prefix)) {
      String rest = name.substring(prefix.length());
      int dot = rest.indexOf('.');
      try {
        int index = Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
        indexes.put(index, prefix + index + ".message.");
      } catch (NumberFormatException notIndexed) {
        // not a message attribute
      }
    }
    List<ChatMessage> messages = new ArrayList<>();
    for (String m : indexes.values()) {
      String role = text(a, m + "role");
      List<Part> parts = new ArrayList<>();
      String content = text(a, m + "content");
      String toolCallId = text(a, m + "tool_call_id");
      if (content != null) {
        parts.add("tool".equals(role)
            ? Part.toolResult(toolCallId, content, null) : Part.text(content));
      }
      for (String c : indexed(a, m + "contents.")) {
        String type = text(a, c + "message_content.type");
        String t = text(a, c + "message_content.text");
        if (t != null) {
          parts.add("reasoning".equals(type) ? Part.reasoning(t) : Part.text(t));
        }
      }
      for (String call : indexed(a, m + "tool_calls.")) {
        parts.add(Part.toolCall(text(a, call + "tool_call.function.name"),
            text(a, call + "tool_call.id"), text(a, call + "tool_call.function.arguments")));
      }
      messages.add(new ChatMessage(role == null ? "user" : role, parts, null));
    }
    return messages;
  }

  private static List<String> indexed(Attributes a, String prefix) {
    TreeMap<Integer, String> out = new TreeMap<>();
    for (String name : a.namesStartingWith(prefix)) {
      String rest = name.substring(prefix.length());
      int dot = rest.indexOf('.');
      try {
        int index = Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
        out.put(index, prefix + index + ".");
      } catch (NumberFormatException notIndexed) {
        // skip
      }
    }
    return new ArrayList<>(out.values());
  }

  @Nullable
  private static String text(Attributes a, String name) {
    return a.get(AttributeKey.stringKey(name));
  }
}
