package io.tracebridge.mapper.internal;

import java.util.List;
import javax.annotation.Nullable;

/**
 * The messages a span (or an ADOT content log) carries, whichever convention they were read from.
 *
 * @param input the messages sent to the model or agent, in order (system messages included, as
 *     the pre-1.37 events carry them)
 * @param output the messages it answered
 * @param systemInstructions the system instructions given apart from the messages (semconv
 *     {@code gen_ai.system_instructions}), as text; null if none
 */
record ChatContent(
    List<ChatMessage> input, List<ChatMessage> output, @Nullable String systemInstructions) {
  static final ChatContent EMPTY = new ChatContent(List.of(), List.of());

  private static final String SYSTEM = "system";
  private static final String ASSISTANT = "assistant";

  ChatContent {
    input = List.copyOf(input);
    output = List.copyOf(output);
  }

  ChatContent(List<ChatMessage> input, List<ChatMessage> output) {
    this(input, output, null);
  }

  /** This content with {@code instructions} as its system instructions when it has none. */
  ChatContent withSystemInstructions(@Nullable String instructions) {
    return systemInstructions != null || instructions == null
        ? this
        : new ChatContent(input, output, instructions);
  }

  /**
   * The system prompt the model was sent: the system instructions, else the text of the input's
   * system messages (joined by newlines); null if there is none.
   */
  @Nullable
  String systemPrompt() {
    if (systemInstructions != null) {
      return systemInstructions;
    }
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : input) {
      if (m.hasRole(SYSTEM) && m.text() != null) {
        if (out.length() > 0) {
          out.append('\n');
        }
        out.append(m.text());
      }
    }
    return out.length() == 0 ? null : out.toString();
  }

  /**
   * The input messages that are new since the previous model call of the same agent: those after
   * the input's last assistant message (which is that call's answer), else every message; system
   * messages are left out ({@link #systemPrompt}).
   */
  List<ChatMessage> newInputMessages() {
    int lastAssistant = -1;
    for (int i = 0; i < input.size(); i++) {
      if (input.get(i).hasRole(ASSISTANT)) {
        lastAssistant = i;
      }
    }
    return input.subList(lastAssistant + 1, input.size()).stream()
        .filter(m -> !m.hasRole(SYSTEM))
        .toList();
  }

  boolean isEmpty() {
    return input.isEmpty() && output.isEmpty();
  }

  /** The text of the last user message that has text: the prompt of this call or run. */
  @Nullable
  String lastUserText() {
    for (int i = input.size() - 1; i >= 0; i--) {
      ChatMessage m = input.get(i);
      if (m.hasRole("user") && m.text() != null) {
        return m.text();
      }
    }
    return null;
  }

  /** True if the input holds an assistant turn (so this is not the first call of a run). */
  boolean inputHasAssistantTurn() {
    return input.stream().anyMatch(m -> m.hasRole("assistant"));
  }

  /** The output's text parts, joined; null if it has none. */
  @Nullable
  String outputText() {
    return joinedOutput(ChatMessage.Kind.TEXT);
  }

  @Nullable
  String joinedOutput(ChatMessage.Kind kind) {
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : output) {
      String text = m.joined(kind);
      if (text != null) {
        if (out.length() > 0) {
          out.append('\n');
        }
        out.append(text);
      }
    }
    return out.length() == 0 ? null : out.toString();
  }

  /** Every part of {@code kind} in the output, in order. */
  List<ChatMessage.Part> outputParts(ChatMessage.Kind kind) {
    return output.stream().flatMap(m -> m.parts(kind).stream()).toList();
  }

  /**
   * The tool results at the end of the input (after the last assistant turn): the results of the
   * tools the previous call asked for, which this call is the first to see.
   */
  List<ChatMessage.Part> trailingToolResults() {
    int lastAssistant = -1;
    for (int i = 0; i < input.size(); i++) {
      if (input.get(i).hasRole("assistant")) {
        lastAssistant = i;
      }
    }
    if (lastAssistant < 0) {
      return List.of();
    }
    return input.subList(lastAssistant + 1, input.size()).stream()
        .flatMap(m -> m.parts(ChatMessage.Kind.TOOL_RESULT).stream())
        .toList();
  }

  /**
   * The name of the tool an input assistant turn called with {@code callId} (a tool result names
   * only the call), or null.
   */
  @Nullable
  String inputToolName(@Nullable String callId) {
    if (callId == null) {
      return null;
    }
    for (ChatMessage m : input) {
      for (ChatMessage.Part call : m.parts(ChatMessage.Kind.TOOL_CALL)) {
        if (callId.equals(call.callId()) && call.toolName() != null) {
          return call.toolName();
        }
      }
    }
    return null;
  }

  /** The finish reason of the last output message that has one. */
  @Nullable
  String finishReason() {
    for (int i = output.size() - 1; i >= 0; i--) {
      if (output.get(i).finishReason() != null) {
        return output.get(i).finishReason();
      }
    }
    return null;
  }
}
