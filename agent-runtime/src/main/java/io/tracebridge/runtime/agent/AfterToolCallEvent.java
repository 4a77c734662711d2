package io.tracebridge.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.ToolResult;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * Fired after each tool call with the {@code execute_tool} span current and {@code
 * gen_ai.tool.status} set. {@code input} is what the tool received (after hooks); {@code exception}
 * is set when the tool threw (the result is then an error result).
 */
public record AfterToolCallEvent(
    ContentBlock.ToolUse toolUse, JsonNode input, ToolResult result, @Nullable RuntimeException exception)
    implements HookEvent {
  public AfterToolCallEvent {
    Objects.requireNonNull(toolUse, "toolUse");
    input = Objects.requireNonNull(input, "input").deepCopy();
    Objects.requireNonNull(result, "result");
  }

  @Override
  public boolean reverseCallbacks() {
    return true;
  }
}
