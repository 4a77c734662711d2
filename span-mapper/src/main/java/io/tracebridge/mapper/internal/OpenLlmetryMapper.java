package io.tracebridge.mapper.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.internal.ChatMessage.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * Reads OpenLLMetry (Traceloop) spans ({@link Dialect#OPENLLMETRY}):
 *
 * <ul>
 *   <li>a <b>model call</b>: a span with the flattened messages {@code gen_ai.prompt.N.*} /
 *       {@code gen_ai.completion.N.*} ({@code role}, {@code content}, {@code tool_call_id},
 *       {@code finish_reason}, {@code refusal}, {@code tool_calls.M.id|name|arguments}), or with
 *       {@code llm.request.type} {@code chat}/{@code completion} and no {@code
 *       gen_ai.operation.name} (content capture off: the usage still counts). It gives the records
 *       of a semconv chat span ({@link GenAiSpanMapper}): {@code model_request}, {@code
 *       model_response} with this call's usage ({@link UsageReader#openLlmetry}), {@code
 *       tool_request}s from the completion's tool calls and {@code tool_response}s from the tool
 *       messages that end the prompt (keyed by tool call id; named after the prompt's assistant
 *       tool call of that id), and {@code prompt} on a root span whose prompt has no assistant
 *       turn;
 *   <li>a Traceloop SDK <b>{@code agent}</b> span, and a root <b>{@code workflow}</b> span
 *       ({@code traceloop.span.kind}): {@code prompt} from {@code traceloop.entity.input} and
 *       {@code response} from {@code traceloop.entity.output} (see {@link #entityText});
 *   <li>{@code task} and {@code tool} spans (and a nested {@code workflow}): nothing but their
 *       {@code error} records. A {@code @tool} span carries no tool call id, so its step would be
 *       a second record of the call the model spans already give (name, id, input and output).
 * </ul>
 *
 * The agent name falls back to {@code traceloop.workflow.name} and the session id to {@code
 * traceloop.association.properties.session_id} ({@link CommonFieldsMapper}). The semconv-shaped
 * spans of OpenLLMetry 0.55 and later ({@code gen_ai.operation.name}, {@code
 * gen_ai.input.messages}) are not this mapper's: it gives them nothing and {@link
 * GenAiSpanMapper} reads them.
 */
final class OpenLlmetryMapper implements DialectMapper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> MODEL_REQUEST_TYPES = Set.of("chat", "completion");

  @Override
  public List<FunctionalRecord> map(SpanView span) {
    Attributes a = span.attributes();
    if (isModelCall(a)) {
      return model(span);
    }
    String kind = a.get(GenAiAttributes.TRACELOOP_SPAN_KIND);
    if (kind == null) {
      return List.of();
    }
    boolean root = span.ids().parentSpanId() == null;
    List<FunctionalRecord> records = switch (kind.toLowerCase(Locale.ROOT)) {
      case "agent" -> entity(span);
      case "workflow" -> root ? entity(span) : List.of();
      default -> List.of();
    };
    // A failed task or tool still shows: RequestMapper adds errors only to spans that gave records.
    return records.isEmpty() && ErrorMapper.failed(span)
        ? ErrorMapper.map(span, Dialect.OPENLLMETRY) : records;
  }

  /** A model call this convention describes (see the class comment). */
  static boolean isModelCall(Attributes a) {
    boolean flattened = hasIndexed(a, GenAiAttributes.OL_PROMPTS)
        || hasIndexed(a, GenAiAttributes.OL_COMPLETIONS);
    String type = a.get(GenAiAttributes.OL_REQUEST_TYPE);
    if (type == null) {
      return flattened;
    }
    return MODEL_REQUEST_TYPES.contains(type.toLowerCase(Locale.ROOT))
        && (flattened || !a.contains(GenAiAttributes.OPERATION_NAME));
  }

  private static List<FunctionalRecord> model(SpanView span) {
    Attributes a = span.attributes();
    ChatContent content = new ChatContent(
        messages(a, GenAiAttributes.OL_PROMPTS, "user"),
        messages(a, GenAiAttributes.OL_COMPLETIONS, "assistant"));
    List<FunctionalRecord> records = new ArrayList<>();
    for (FunctionalRecord r : GenAiSpanMapper.records(
        span, content, GenAiSpanMapper.Kind.MODEL, Dialect.OPENLLMETRY)) {
      if (r.type() == RecordType.MODEL_RESPONSE) {
        r = r.toBuilder().usage(UsageReader.openLlmetry(a)).build();
      }
      records.add(r);
    }
    return records;
  }

  private static List<FunctionalRecord> entity(SpanView span) {
    Attributes a = span.attributes();
    ChatContent content = new ChatContent(
        textMessage("user", entityText(a.get(GenAiAttributes.TRACELOOP_ENTITY_INPUT))),
        textMessage("assistant", entityText(a.get(GenAiAttributes.TRACELOOP_ENTITY_OUTPUT))));
    return GenAiSpanMapper.records(span, content, GenAiSpanMapper.Kind.AGENT, Dialect.OPENLLMETRY);
  }

  /**
   * The text of a {@code traceloop.entity.input|output} value, which the SDK writes with {@code
   * json.dumps}: a JSON string is its value; an input {@code {"args": [...], "kwargs": {...}}}
   * with one argument is that argument (a string as itself, anything else as JSON), else its one
   * string argument if it has exactly one, else the whole JSON; anything else (an object, a
   * number, text that is not JSON because the SDK cut it at the attribute length limit) as given.
   */
  @Nullable
  static String entityText(@Nullable String value) {
    if (value == null) {
      return null;
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(value);
    } catch (JsonProcessingException notJson) {
      return value;
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return null;
    }
    if (tree.isTextual()) {
      return tree.asText().isBlank() ? null : tree.asText();
    }
    if (tree.isObject() && tree.size() <= 2 && tree.path("args").isArray()
        && (tree.size() == 1 || tree.path("kwargs").isObject())) {
      List<JsonNode> arguments = new ArrayList<>();
      tree.get("args").forEach(arguments::add);
      tree.path("kwargs").forEach(arguments::add);
      if (arguments.isEmpty()) {
        return null;
      }
      if (arguments.size() == 1) {
        JsonNode only = arguments.get(0);
        return only.isTextual() ? only.asText() : only.toString();
      }
      List<JsonNode> strings = arguments.stream().filter(JsonNode::isTextual).toList();
      if (strings.size() == 1) {
        return strings.get(0).asText();
      }
    }
    return value;
  }

  /** The flattened {@code <prefix>N.*} messages, in index order. */
  static List<ChatMessage> messages(Attributes a, String prefix, String defaultRole) {
    List<ChatMessage> messages = new ArrayList<>();
    for (String m : indexed(a, prefix)) {
      String role = text(a, m + "role");
      List<Part> parts = new ArrayList<>();
      String content = text(a, m + "content");
      if (content != null) {
        if ("tool".equals(role)) {
          parts.add(Part.toolResult(text(a, m + "tool_call_id"), content, null));
        } else {
          parts.addAll(contentParts(content));
        }
      }
      String refusal = text(a, m + "refusal");
      if (refusal != null) {
        parts.add(Part.text(refusal));
      }
      for (String call : indexed(a, m + "tool_calls.")) {
        parts.add(Part.toolCall(text(a, call + "name"), text(a, call + "id"),
            text(a, call + "arguments")));
      }
      messages.add(new ChatMessage(role == null ? defaultRole : role, parts,
          text(a, m + "finish_reason")));
    }
    return messages;
  }

  /**
   * A message's {@code content}: a string, or the JSON of a list of content blocks (multimodal
   * input), whose {@code text} blocks are read and other blocks (images) skipped.
   */
  private static List<Part> contentParts(String content) {
    JsonNode blocks = MessageParser.parse(content);
    if (blocks == null || !blocks.isArray() || blocks.isEmpty()) {
      return List.of(Part.text(content));
    }
    List<Part> parts = new ArrayList<>();
    for (JsonNode block : blocks) {
      if (!block.isObject() || !block.has("type")) {
        return List.of(Part.text(content)); // a JSON list, but not content blocks
      }
      if ("text".equals(block.get("type").asText())) {
        String text = MessageParser.textOf(block.get("text"));
        if (text != null) {
          parts.add(Part.text(text));
        }
      }
    }
    return parts;
  }

  /** True if some attribute is {@code <prefix><digits>.}... */
  private static boolean hasIndexed(Attributes a, String prefix) {
    for (String name : a.namesStartingWith(prefix)) {
      if (name.length() > prefix.length() && Character.isDigit(name.charAt(prefix.length()))) {
        return true;
      }
    }
    return false;
  }

  /** The {@code <prefix>N.} prefixes present, in index order; names not indexed are skipped. */
  private static List<String> indexed(Attributes a, String prefix) {
    TreeMap<Integer, String> out = new TreeMap<>();
    for (String name : a.namesStartingWith(prefix)) {
      String rest = name.substring(prefix.length());
      int dot = rest.indexOf('.');
      if (dot <= 0) {
        continue;
      }
      try {
        int index = Integer.parseInt(rest.substring(0, dot));
        if (index >= 0) {
          out.put(index, prefix + index + ".");
        }
      } catch (NumberFormatException notIndexed) {
        // e.g. gen_ai.prompt.prompt_filter_results
      }
    }
    return new ArrayList<>(out.values());
  }

  private static List<ChatMessage> textMessage(String role, @Nullable String text) {
    return text == null ? List.of() : List.of(new ChatMessage(role, List.of(Part.text(text)), null));
  }

  @Nullable
  private static String text(Attributes a, String name) {
    return a.get(AttributeKey.stringKey(name));
  }
}
