package io.tracebridge.runtime.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One block of a {@link Message}: text, a tool use, a tool result or reasoning text, mirroring the
 * Converse {@code ContentBlock} union. All variants are immutable; {@link ToolUse#input()} is a
 * private deep copy that callers must treat as read-only.
 */
public sealed interface ContentBlock
    permits ContentBlock.Text, ContentBlock.ToolUse, ContentBlock.ToolResultBlock,
        ContentBlock.Reasoning {

  /** Plain text. */
  static Text text(String text) {
    return new Text(text);
  }

  /** Reasoning ("thinking") text the model exposed. */
  static Reasoning reasoning(String text) {
    return new Reasoning(text);
  }

  /** A tool use; {@code input} is deep-copied. */
  static ToolUse toolUse(String toolUseId, String name, JsonNode input) {
    return new ToolUse(toolUseId, name, input);
  }

  /** The result of tool use {@code toolUseId}. */
  static ToolResultBlock toolResult(String toolUseId, ToolResult result) {
    return new ToolResultBlock(toolUseId, result.content(), result.status());
  }

  /** Plain text. */
  record Text(String text) implements ContentBlock {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * Reasoning text; {@code signature} is the provider's opaque proof (Bedrock/Anthropic) that must
   * travel back unchanged with the reasoning in later turns, or null.
   */
  record Reasoning(String text, @Nullable String signature) implements ContentBlock {
    public Reasoning {
      Objects.requireNonNull(text, "text");
    }

    /** Reasoning without a signature. */
    public Reasoning(String text) {
      this(text, null);
    }
  }

  /** The model asks for tool {@code name} with {@code input}. */
  record ToolUse(String toolUseId, String name, JsonNode input) implements ContentBlock {
    public ToolUse {
      Objects.requireNonNull(toolUseId, "toolUseId");
      Objects.requireNonNull(name, "name");
      input = Objects.requireNonNull(input, "input").deepCopy();
    }
  }

  /** A tool's answer to tool use {@code toolUseId}; {@code content} is text (often JSON text). */
  record ToolResultBlock(String toolUseId, String content, ToolStatus status)
      implements ContentBlock {
    public ToolResultBlock {
      Objects.requireNonNull(toolUseId, "toolUseId");
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(status, "status");
    }
  }
}
