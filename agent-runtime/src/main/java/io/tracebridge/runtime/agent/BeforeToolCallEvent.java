package io.tracebridge.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.internal.Json;
import java.util.Objects;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * Fired before each tool call with the {@code execute_tool} span current.
 *
 * <p>{@link #toolUse()} is the tool use exactly as the model produced it and never changes; {@link
 * #input()} is a mutable copy that callbacks may edit or {@linkplain #setInput replace}, and is what
 * the tool receives. The conversation (and so the model) keeps the original. Not thread-safe.
 */
public final class BeforeToolCallEvent implements HookEvent {
  private final ContentBlock.ToolUse toolUse;
  private final @Nullable Tool tool;
  private ObjectNode input;

  public BeforeToolCallEvent(ContentBlock.ToolUse toolUse, @Nullable Tool tool) {
    this.toolUse = Objects.requireNonNull(toolUse, "toolUse");
    this.tool = tool;
    this.input = toObject(toolUse.input());
  }

  /** The model's tool use, unmodified. */
  public ContentBlock.ToolUse toolUse() {
    return toolUse;
  }

  /** The registered tool, or empty when the model named an unknown tool. */
  public Optional<Tool> tool() {
    return Optional.ofNullable(tool);
  }

  /** The input the tool will receive; mutable. A non-object model input is wrapped as {@code {"input": ...}}. */
  public ObjectNode input() {
    return input;
  }

  /** Replaces the input the tool will receive. */
  public void setInput(ObjectNode input) {
    this.input = Objects.requireNonNull(input, "input");
  }

  private static ObjectNode toObject(JsonNode node) {
    if (node instanceof ObjectNode object) {
      return object.deepCopy();
    }
    ObjectNode wrapped = Json.object();
    wrapped.set("input", node.deepCopy());
    return wrapped;
  }
}
