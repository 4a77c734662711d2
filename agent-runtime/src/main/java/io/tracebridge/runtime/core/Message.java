package io.tracebridge.runtime.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** One immutable conversation turn: a role and its content blocks. */
public record Message(Role role, List<ContentBlock> content) {
  public Message {
    Objects.requireNonNull(role, "role");
    content = List.copyOf(content);
  }

  /** A user message holding one text block. */
  public static Message user(String text) {
    return new Message(Role.USER, List.of(ContentBlock.text(text)));
  }

  /** An assistant message holding one text block. */
  public static Message assistant(String text) {
    return new Message(Role.ASSISTANT, List.of(ContentBlock.text(text)));
  }

  /** The text blocks joined with no separator; empty when there are none. */
  public String text() {
    return content.stream()
        .filter(ContentBlock.Text.class::isInstance)
        .map(b -> ((ContentBlock.Text) b).text())
        .collect(Collectors.joining());
  }

  /** The first text block, if any. */
  public Optional<String> firstText() {
    return content.stream()
        .filter(ContentBlock.Text.class::isInstance)
        .map(b -> ((ContentBlock.Text) b).text())
        .findFirst();
  }

  /** The tool-use blocks, in order. */
  public List<ContentBlock.ToolUse> toolUses() {
    return blocks(ContentBlock.ToolUse.class);
  }

  /** The tool-result blocks, in order. */
  public List<ContentBlock.ToolResultBlock> toolResults() {
    return blocks(ContentBlock.ToolResultBlock.class);
  }

  private <T extends ContentBlock> List<T> blocks(Class<T> type) {
    return content.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }
}
