package io.tracebridge.mapper.internal;

import io.tracebridge.genai.GenAi;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.tracebridge.mapper.internal.ChatMessage.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.annotation.Nullable;

/**
 * Reads message content in every shape the conventions use into {@link ChatMessage}s. Never
 * throws: content that is not what a shape expects is read as plain text or skipped.
 *
 * <ul>
 *   <li>GenAI semconv ≥ 1.37 messages: {@code [{role, parts:[{type, ...}], finish_reason}]} with
 *       parts {@code text}, {@code reasoning}, {@code tool_call}, {@code tool_call_response}, and
 *       Strands' {@code reasoningContent} part ({@code content.reasoningText.text});
 *   <li>Strands content blocks: {@code [{text}, {toolUse}, {toolResult}, {reasoningContent}]};
 *   <li>pre-1.37 per-message event bodies ({@code content}, {@code message}, {@code tool_calls},
 *       {@code id}, {@code finish_reason}), whether on span events, log records or ADOT logs.
 * </ul>
 */
final class MessageParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MessageParser() {}

  /** Parses JSON text, or returns null if it is not JSON. */
  @Nullable
  static JsonNode parse(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String trimmed = text.trim();
    if (!trimmed.startsWith("[") && !trimmed.startsWith("{")) {
      return null;
    }
    try {
      return JSON.readTree(trimmed);
    } catch (JsonProcessingException notJson) {
      return null;
    }
  }

  /** An OTLP value as a JSON tree (kvlists become objects, arrays arrays). */
  static JsonNode toJson(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> NODES.textNode(value.getStringValue());
      case INT_VALUE -> NODES.numberNode(value.getIntValue());
      case DOUBLE_VALUE -> NODES.numberNode(value.getDoubleValue());
      case BOOL_VALUE -> NODES.booleanNode(value.getBoolValue());
      case ARRAY_VALUE -> {
        ArrayNode array = NODES.arrayNode();
        value.getArrayValue().getValuesList().forEach(v -> array.add(toJson(v)));
        yield array;
      }
      case KVLIST_VALUE -> toJson(value.getKvlistValue().getValuesList());
      default -> NODES.nullNode();
    };
  }

  static ObjectNode toJson(List<KeyValue> keyValues) {
    ObjectNode object = NODES.objectNode();
    keyValues.forEach(kv -> object.set(kv.getKey(), toJson(kv.getValue())));
    return object;
  }

  /**
   * System instructions as text: the text parts of a semconv parts array ({@code [{type: text,
   * content}]}) joined by newlines, or the value itself if it is not such an array.
   */
  @Nullable
  static String systemInstructions(@Nullable String value) {
    JsonNode tree = parse(value);
    if (tree == null || !tree.isArray()) {
      return value;
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode p : tree) {
      Part part = p.isObject() ? semconvPart(p) : null;
      if (part != null && part.kind() == ChatMessage.Kind.TEXT) {
        texts.add(part.text());
      } else if (p.isTextual()) {
        texts.add(p.asText());
      }
    }
    return texts.isEmpty() ? null : String.join("\n", texts);
  }

  /** Messages in the semconv ≥ 1.37 shape (a JSON array), or none if the text is not that. */
  static List<ChatMessage> semconvMessages(@Nullable String json) {
    JsonNode tree = parse(json);
    return tree == null ? List.of() : semconvMessages(tree);
  }

  static List<ChatMessage> semconvMessages(JsonNode tree) {
    List<ChatMessage> messages = new ArrayList<>();
    if (!tree.isArray()) {
      return messages;
    }
    for (JsonNode m : tree) {
      String role = textOf(m.get("role"));
      if (m.has("parts")) {
        List<Part> parts = new ArrayList<>();
        for (JsonNode p : m.get("parts")) {
          Part part = semconvPart(p);
          if (part != null) {
            parts.add(part);
          }
        }
        messages.add(new ChatMessage(role == null ? "user" : role, parts,
            textOf(m.get("finish_reason"))));
      } else if (m.isObject()) {
        messages.add(legacyBody(role == null ? "user" : role, m));
      }
    }
    return messages;
  }

  @Nullable
  private static Part semconvPart(JsonNode p) {
    String type = textOf(p.get("type"));
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "text" -> textPart(p.get("content"));
      case "reasoning", "thinking" -> {
        String text = textOf(p.has("content") ? p.get("content") : p.get("text"));
        yield text == null ? null : Part.reasoning(text);
      }
      case "reasoningContent" -> {
        String text = strandsReasoning(p.get("content"));
        yield text == null ? null : Part.reasoning(text);
      }
      case "tool_call" ->
          Part.toolCall(textOf(p.get("name")), textOf(p.get("id")), jsonText(p.get("arguments")));
      case "tool_call_response" ->
          Part.toolResult(textOf(p.get("id")), toolOutput(p.get("response")), null);
      default -> null;
    };
  }

  @Nullable
  private static Part textPart(@Nullable JsonNode content) {
    String text = textOf(content);
    return text == null ? null : Part.text(text);
  }

  /** Strands content blocks as parts; a text that is not a block list is one text part. */
  static List<Part> strandsBlocks(JsonNode blocks) {
    List<Part> parts = new ArrayList<>();
    if (!blocks.isArray()) {
      String text = textOf(blocks);
      if (text != null) {
        parts.add(Part.text(text));
      }
      return parts;
    }
    for (JsonNode block : blocks) {
      if (block.has("text")) {
        String text = textOf(block.get("text"));
        if (text != null) {
          parts.add(Part.text(text));
        }
      } else if (block.has("reasoningContent")) {
        String text = strandsReasoning(block.get("reasoningContent"));
        if (text != null) {
          parts.add(Part.reasoning(text));
        }
      } else if (block.has("toolUse")) {
        JsonNode use = block.get("toolUse");
        parts.add(Part.toolCall(textOf(use.get("name")), textOf(use.get("toolUseId")),
            jsonText(use.get("input"))));
      } else if (block.has("toolResult")) {
        JsonNode result = block.get("toolResult");
        parts.add(Part.toolResult(textOf(result.get("toolUseId")),
            toolOutput(result.get("content")), textOf(result.get("status"))));
      } else if (block.has("type")) {
        Part part = semconvPart(block);
        if (part != null) {
          parts.add(part);
        }
      }
    }
    return parts;
  }

  @Nullable
  private static String strandsReasoning(@Nullable JsonNode reasoning) {
    if (reasoning == null) {
      return null;
    }
    JsonNode text = reasoning.path("reasoningText").get("text");
    return text != null ? textOf(text) : textOf(reasoning.get("text"));
  }

  /**
   * A pre-1.37 message body (per-message event, log record body or ADOT message content).
   *
   * @param role the role the event name or message gives
   * @param body the event's attributes or body as a JSON object
   */
  static ChatMessage legacyBody(String role, JsonNode body) {
    List<Part> parts = new ArrayList<>();
    String id = textOf(body.get("id"));
    JsonNode content = body.has("content") ? body.get("content") : body.get("message");
    if (content != null && content.isObject() && !content.has("text")
        && !content.has("toolUse") && !content.has("toolResult")) {
      // OTel JS gen_ai.choice: message {role, content, tool_calls}
      ChatMessage inner = legacyBody(role, content);
      parts.addAll(inner.parts());
    } else if (content != null) {
      JsonNode parsed = content.isTextual() ? parse(content.asText()) : content;
      if (parsed != null && parsed.isArray()) {
        parts.addAll(isSemconvParts(parsed) ? semconvParts(parsed) : strandsBlocks(parsed));
      } else {
        String text = textOf(content);
        if (text != null) {
          parts.add("tool".equals(role) ? Part.toolResult(id, text, null) : Part.text(text));
        }
      }
    }
    JsonNode toolCalls = body.get("tool_calls");
    if (toolCalls != null && toolCalls.isArray()) {
      for (JsonNode call : toolCalls) {
        JsonNode function = call.path("function");
        parts.add(Part.toolCall(textOf(function.get("name")), textOf(call.get("id")),
            jsonText(function.get("arguments"))));
      }
    }
    return new ChatMessage(role, parts, textOf(body.get("finish_reason")));
  }

  private static boolean isSemconvParts(JsonNode array) {
    return array.size() > 0 && array.get(0).has("type") && !array.get(0).has("text");
  }

  private static List<Part> semconvParts(JsonNode array) {
    List<Part> parts = new ArrayList<>();
    for (JsonNode p : array) {
      Part part = semconvPart(p);
      if (part != null) {
        parts.add(part);
      }
    }
    return parts;
  }

  /** The role a pre-1.37 event name stands for; {@code gen_ai.choice} is the assistant. */
  @Nullable
  static String roleOfEvent(String eventName) {
    return switch (eventName) {
      case GenAi.EVENT_SYSTEM_MESSAGE -> "system";
      case GenAi.EVENT_USER_MESSAGE -> "user";
      case GenAi.EVENT_ASSISTANT_MESSAGE, GenAi.EVENT_CHOICE -> "assistant";
      case GenAi.EVENT_TOOL_MESSAGE -> "tool";
      default -> null;
    };
  }

  /**
   * A tool's output as text: Strands' {@code [{text}]} blocks become their text, a string stays
   * itself, anything else is its JSON.
   */
  @Nullable
  static String toolOutput(@Nullable JsonNode output) {
    if (output == null || output.isNull()) {
      return null;
    }
    if (output.isArray() && output.size() > 0) {
      boolean allText = true;
      for (JsonNode block : output) {
        allText &= block.isObject() && block.size() == 1 && block.has("text");
      }
      if (allText) {
        List<String> texts = new ArrayList<>();
        output.forEach(b -> texts.add(b.get("text").asText()));
        return String.join("\n", texts);
      }
    }
    if (output.isTextual()) {
      JsonNode parsed = parse(output.asText());
      return parsed != null && parsed.isArray() ? toolOutput(parsed) : output.asText();
    }
    return output.toString();
  }

  /** A tool input as JSON text: a string is taken as already JSON, anything else serialised. */
  @Nullable
  static String jsonText(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return node.isTextual() ? node.asText() : node.toString();
  }

  @Nullable
  static String textOf(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isArray()) {
      String joined = java.util.stream.StreamSupport.stream(node.spliterator(), false)
          .map(n -> n.isObject() && n.has("text") ? n.get("text").asText() : textOf(n))
          .filter(t -> t != null)
          .collect(Collectors.joining("\n"));
      return joined.isEmpty() ? null : joined;
    }
    String text = node.isValueNode() ? node.asText() : node.toString();
    return text.isBlank() ? null : text;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
