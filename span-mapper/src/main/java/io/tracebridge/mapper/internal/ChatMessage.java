package io.tracebridge.mapper.internal;

import java.util.List;
import java.util.stream.Collectors;
import javax.annotation.Nullable;

/**
 * One chat message in the shape every convention's content is normalised to: a role and its
 * parts (text, reasoning, tool calls, tool results), plus the finish reason of an output message.
 */
record ChatMessage(String role, List<Part> parts, @Nullable String finishReason) {
  ChatMessage {
    parts = List.copyOf(parts);
  }

  /** What a part is. */
  enum Kind {
    TEXT,
    REASONING,
    TOOL_CALL,
    TOOL_RESULT
  }

  /**
   * One part of a message.
   *
   * @param text the text (TEXT, REASONING) or the tool result as text (TOOL_RESULT)
   * @param toolName the tool's name (TOOL_CALL)
   * @param callId the tool call id (TOOL_CALL, TOOL_RESULT)
   * @param arguments the tool input as JSON text (TOOL_CALL)
   * @param status {@code success} or {@code error} when the producer says (TOOL_RESULT)
   */
  record Part(
      Kind kind,
      @Nullable String text,
      @Nullable String toolName,
      @Nullable String callId,
      @Nullable String arguments,
      @Nullable String status) {

    static Part text(String text) {
      return new Part(Kind.TEXT, text, null, null, null, null);
    }

    static Part reasoning(String text) {
      return new Part(Kind.REASONING, text, null, null, null, null);
    }

    static Part toolCall(@Nullable String name, @Nullable String callId, @Nullable String args) {
      return new Part(Kind.TOOL_CALL, null, name, callId, args, null);
    }

    static Part toolResult(@Nullable String callId, @Nullable String output, @Nullable String status) {
      return new Part(Kind.TOOL_RESULT, output, null, callId, null, status);
    }
  }

  boolean hasRole(String wanted) {
    return wanted.equals(role);
  }

  List<Part> parts(Kind kind) {
    return parts.stream().filter(p -> p.kind() == kind).toList();
  }

  /** The text parts joined by newlines, or null if there are none. */
  @Nullable
  String text() {
    return joined(Kind.TEXT);
  }

  @Nullable
  String joined(Kind kind) {
    List<Part> matching = parts(kind);
    if (matching.isEmpty()) {
      return null;
    }
    return matching.stream().map(Part::text).filter(t -> t != null).collect(Collectors.joining("\n"));
  }
}
