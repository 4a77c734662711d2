package io.tracebridge.runtime.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A callable tool: Java code here, MCP servers later.
 *
 * <p>Implementations must be thread-safe. {@link #invoke} runs on a worker thread and may block.
 * Expected failures (bad input, a refused operation) should come back as {@link
 * ToolResult#error}; an exception thrown from {@code invoke} is also turned into an error result
 * by the agent, and the span records it.
 */
public interface Tool {
  /** The spec shown to the model. */
  ToolSpec spec();

  /**
   * Runs the tool. {@code input} is what the model produced plus whatever hooks added (for
   * example {@code sessionAttributes} and {@code action_id}); the tool must not keep it.
   */
  ToolResult invoke(JsonNode input);
}
