package io.tracebridge.mapper.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Reads the messages of a Strands or GenAI-semconv span. The sources, first match wins (the same
 * order Langfuse uses, conventions-and-peers.md §a):
 *
 * <ol>
 *   <li>the {@code gen_ai.client.inference.operation.details} event(s) (semconv ≥ 1.37, Strands'
 *       latest mode, which splits input, output and system instructions over several events);
 *   <li>the pre-1.37 per-message events ({@code gen_ai.system|user|assistant|tool.message} in,
 *       {@code gen_ai.choice} out; Strands' default mode);
 *   <li>the span attributes {@code gen_ai.input.messages} / {@code gen_ai.output.messages} (JSON
 *       strings).
 * </ol>
 *
 * <p>A source counts as present when it has any input or output message; the next is not read.
 */
final class GenAiContentReader {
  private GenAiContentReader() {}

  static ChatContent read(SpanView span) {
    String attributeInstructions =
        MessageParser.systemInstructions(span.attributes().get(GenAiAttributes.SYSTEM_INSTRUCTIONS));
    ChatContent details = fromDetailsEvents(span);
    if (!details.isEmpty()) {
      return details.withSystemInstructions(attributeInstructions);
    }
    ChatContent legacy = fromMessageEvents(span.span().getEventsList(), span);
    if (!legacy.isEmpty()) {
      return legacy.withSystemInstructions(attributeInstructions);
    }
    return fromAttributes(span.attributes()).withSystemInstructions(attributeInstructions);
  }

  static ChatContent fromDetailsEvents(SpanView span) {
    List<ChatMessage> input = new ArrayList<>();
    List<ChatMessage> output = new ArrayList<>();
    String instructions = null;
    for (Span.Event event : span.span().getEventsList()) {
      if (!GenAiAttributes.EVENT_OPERATION_DETAILS.equals(event.getName())) {
        continue;
      }
      Attributes attributes = span.eventAttributes(event);
      input.addAll(MessageParser.semconvMessages(attributes.get(GenAiAttributes.INPUT_MESSAGES)));
      output.addAll(
          MessageParser.semconvMessages(attributes.get(GenAiAttributes.OUTPUT_MESSAGES)));
      if (instructions == null) {
        instructions = MessageParser.systemInstructions(
            attributes.get(GenAiAttributes.SYSTEM_INSTRUCTIONS));
      }
    }
    return new ChatContent(input, output, instructions);
  }

  /** Pre-1.37 per-message events, from span events or (grouped per span) log records. */
  static ChatContent fromMessageEvents(List<Span.Event> events, @Nullable SpanView span) {
    List<ChatMessage> input = new ArrayList<>();
    List<ChatMessage> output = new ArrayList<>();
    for (Span.Event event : events) {
      String role = MessageParser.roleOfEvent(event.getName());
      if (role == null) {
        continue;
      }
      ObjectNode body = MessageParser.toJson(event.getAttributesList());
      ChatMessage message = MessageParser.legacyBody(role, body);
      if (GenAiAttributes.EVENT_CHOICE.equals(event.getName())) {
        output.add(message);
      } else {
        input.add(message);
      }
    }
    return new ChatContent(input, output);
  }

  static ChatContent fromAttributes(Attributes attributes) {
    return new ChatContent(
        MessageParser.semconvMessages(attributes.get(GenAiAttributes.INPUT_MESSAGES)),
        MessageParser.semconvMessages(attributes.get(GenAiAttributes.OUTPUT_MESSAGES)));
  }
}
