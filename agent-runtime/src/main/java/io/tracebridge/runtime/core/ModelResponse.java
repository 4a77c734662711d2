package io.tracebridge.runtime.core;

import io.tracebridge.mapper.Usage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What one {@link Model#converse} call returned: assistant content, stop reason and usage. */
public record ModelResponse(List<ContentBlock> content, StopReason stopReason, Usage usage) {
  public ModelResponse {
    content = List.copyOf(content);
    Objects.requireNonNull(stopReason, "stopReason");
    Objects.requireNonNull(usage, "usage");
  }

  /** The content as an assistant message. */
  public Message message() {
    return new Message(Role.ASSISTANT, content);
  }

  /** The tool uses requested, in order. */
  public List<ContentBlock.ToolUse> toolUses() {
    return message().toolUses();
  }

  /** The first text block, if any. */
  public Optional<String> firstText() {
    return message().firstText();
  }

  /** All reasoning blocks joined with newlines, if there is any reasoning. */
  public Optional<String> reasoning() {
    StringBuilder out = new StringBuilder();
    for (ContentBlock block : content) {
      if (block instanceof ContentBlock.Reasoning r) {
        if (out.length() > 0) {
          out.append('\n');
        }
        out.append(r.text());
      }
    }
    return out.length() == 0 ? Optional.empty() : Optional.of(out.toString());
  }
}
