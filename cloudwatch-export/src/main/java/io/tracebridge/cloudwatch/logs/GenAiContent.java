package io.tracebridge.cloudwatch.logs;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.HookEvents;
import io.tracebridge.genai.OpenInference;
import io.tracebridge.genai.Strands;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the prompt and completion content of a span in every convention PRODUCT.md lists, as the
 * ADOT LLO handler does, and routes it to input or output messages. Pure.
 *
 * <p>Routing is by source: prompt/input keys and message events go to input (system and user
 * turns, assistant history, tool inputs); completion/output keys, {@code gen_ai.choice} and
 * response hook events go to output. Sources, in order: span attributes {@code
 * gen_ai.prompt.N.*}/{@code gen_ai.completion.N.*}, {@code gen_ai.prompt}/{@code
 * gen_ai.completion}, {@code gen_ai.system_instructions}/{@code gen_ai.input.messages}/{@code
 * gen_ai.output.messages}, OpenInference {@code llm.input_messages.N.message.*}/{@code
 * llm.output_messages.N.message.*} and {@code input.value}/{@code output.value}, {@code
 * gen_ai.tool.call.arguments}/{@code .result}; then span events: Strands' {@code
 * gen_ai.{system,user,assistant,tool}.message} and {@code gen_ai.choice}, the latest-mode {@code
 * gen_ai.client.inference.operation.details}, and the runtime's hook events ({@code agent_prompt},
 * {@code model_request}, {@code model_response}, {@code tool_request}, {@code tool_response},
 * {@code agent_response}). Content that is a JSON object or array is kept as JSON, anything else
 * as a string. Exact duplicates within one side are dropped, and the hook events are read for a
 * side only when no other source gave it content (they repeat the Strands events' prompt and reply).
 */
final class GenAiContent {
  /** One message: a role and its content (a string or JSON). */
  record Message(String role, JsonNode content) {}

  record Content(List<Message> input, List<Message> output) {
    boolean isEmpty() {
      return input.isEmpty() && output.isEmpty();
    }
  }

  private GenAiContent() {}

  static Content extract(Span span) {
    List<Message> input = new ArrayList<>();
    List<Message> output = new ArrayList<>();
    Map<String, AnyValue> attributes = Attrs.toMap(span.getAttributesList());

    indexed(attributes, GenAi.PROMPT_PREFIX, ".role", ".content", "user", input);
    indexed(attributes, GenAi.COMPLETION_PREFIX, ".role", ".content", "assistant", output);
    single(attributes, GenAi.PROMPT, "user", input);
    single(attributes, GenAi.COMPLETION, "assistant", output);
    semconv(attributes, input, output);
    indexed(attributes, OpenInference.INPUT_MESSAGES_PREFIX, ".message.role", ".message.content", "user", input);
    indexed(attributes, OpenInference.OUTPUT_MESSAGES_PREFIX, ".message.role", ".message.content", "assistant", output);
    single(attributes, OpenInference.INPUT_VALUE, "user", input);
    single(attributes, OpenInference.OUTPUT_VALUE, "assistant", output);
    single(attributes, GenAi.TOOL_CALL_ARGUMENTS, "tool", input);
    single(attributes, GenAi.TOOL_CALL_RESULT, "tool", output);

    // The runtime's hook events repeat what its Strands events say (the prompt, the reply): they
    // are read only for a side that nothing else filled, so each content event says it once.
    List<Message> hookInput = new ArrayList<>();
    List<Message> hookOutput = new ArrayList<>();
    for (Span.Event event : span.getEventsList()) {
      Map<String, AnyValue> e = Attrs.toMap(event.getAttributesList());
      switch (event.getName()) {
        case GenAi.EVENT_SYSTEM_MESSAGE -> single(e, "content", "system", input);
        case GenAi.EVENT_USER_MESSAGE -> single(e, "content", "user", input);
        case GenAi.EVENT_ASSISTANT_MESSAGE -> single(e, "content", "assistant", input);
        case GenAi.EVENT_TOOL_MESSAGE -> single(e, "content", Attrs.firstString(e, "role").orElse("tool"), input);
        case GenAi.EVENT_CHOICE -> {
          single(e, "message", "assistant", output);
          single(e, Strands.CHOICE_TOOL_RESULT, "tool", output);
        }
        case GenAi.EVENT_OPERATION_DETAILS -> semconv(e, input, output);
        case HookEvents.AGENT_PROMPT -> single(e, HookEvents.KEY_AGENT_PROMPT, "user", hookInput);
        case HookEvents.MODEL_REQUEST -> single(e, HookEvents.KEY_MODEL_PROMPT, "user", hookInput);
        case HookEvents.MODEL_RESPONSE -> single(e, HookEvents.KEY_MODEL_RESPONSE, "assistant", hookOutput);
        case HookEvents.TOOL_REQUEST -> single(e, HookEvents.KEY_TOOL_INPUT, "tool", hookInput);
        case HookEvents.TOOL_RESPONSE -> single(e, HookEvents.KEY_TOOL_OUTPUT, "tool", hookOutput);
        case HookEvents.AGENT_RESPONSE -> single(e, HookEvents.KEY_AGENT_RESPONSE, "assistant", hookOutput);
        default -> {
          // not content
        }
      }
    }
    if (input.isEmpty()) {
      input.addAll(hookInput);
    }
    if (output.isEmpty()) {
      output.addAll(hookOutput);
    }
    return new Content(dedupe(input), dedupe(output));
  }

  /** Parses content: JSON objects and arrays stay JSON, anything else is text. */
  static JsonNode content(String raw) {
    String trimmed = raw.strip();
    if ((trimmed.startsWith("{") && trimmed.endsWith("}")) || (trimmed.startsWith("[") && trimmed.endsWith("]"))) {
      try {
        return SegmentJson.mapper().readTree(trimmed);
      } catch (JsonProcessingException e) {
        // not JSON after all
      }
    }
    return TextNode.valueOf(raw);
  }

  private static void single(Map<String, AnyValue> attributes, String key, String role, List<Message> into) {
    AnyValue value = attributes.get(key);
    if (value == null) {
      return;
    }
    if (value.hasStringValue()) {
      if (!value.getStringValue().isEmpty()) {
        into.add(new Message(role, content(value.getStringValue())));
      }
    } else {
      into.add(new Message(role, SegmentJson.mapper().valueToTree(Attrs.toJava(value))));
    }
  }

  private static void indexed(
      Map<String, AnyValue> attributes, String prefix, String roleSuffix, String contentSuffix, String defaultRole, List<Message> into) {
    Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "(\\d+)" + Pattern.quote(contentSuffix));
    Map<Integer, String> contents = new TreeMap<>();
    for (String key : attributes.keySet()) {
      Matcher m = pattern.matcher(key);
      if (m.matches()) {
        Attrs.string(attributes, key).ifPresent(c -> contents.put(Integer.valueOf(m.group(1)), c));
      }
    }
    contents.forEach((index, text) -> {
      String role = Attrs.string(attributes, prefix + index + roleSuffix).orElse(defaultRole);
      into.add(new Message(role, content(text)));
    });
  }

  /** OTel GenAI semconv messages: {@code [{role, parts:[{type, content}...]}]}. */
  private static void semconv(Map<String, AnyValue> attributes, List<Message> input, List<Message> output) {
    Attrs.string(attributes, GenAi.SYSTEM_INSTRUCTIONS).ifPresent(s -> input.add(new Message("system", simplify(content(s)))));
    messages(attributes, GenAi.INPUT_MESSAGES, "user").forEach(input::add);
    messages(attributes, GenAi.OUTPUT_MESSAGES, "assistant").forEach(output::add);
  }

  private static List<Message> messages(Map<String, AnyValue> attributes, String key, String defaultRole) {
    Optional<String> raw = Attrs.string(attributes, key);
    if (raw.isEmpty()) {
      return List.of();
    }
    JsonNode parsed = content(raw.get());
    if (!parsed.isArray()) {
      return List.of(new Message(defaultRole, parsed));
    }
    List<Message> messages = new ArrayList<>();
    for (JsonNode message : parsed) {
      String role = message.path("role").asText(defaultRole);
      JsonNode body = message.has("parts") ? message.get("parts") : message.path("content");
      messages.add(new Message(role, simplify(body)));
    }
    return messages;
  }

  /** A parts array holding only text parts becomes the joined text. */
  private static JsonNode simplify(JsonNode parts) {
    if (!parts.isArray() || parts.isEmpty()) {
      return parts;
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : parts) {
      if (!"text".equals(part.path("type").asText()) || !part.path("content").isTextual()) {
        return parts;
      }
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(part.get("content").asText());
    }
    return TextNode.valueOf(text.toString());
  }

  private static List<Message> dedupe(List<Message> messages) {
    List<Message> unique = new ArrayList<>();
    for (Message message : messages) {
      if (!unique.contains(message)) {
        unique.add(message);
      }
    }
    return unique;
  }
}
