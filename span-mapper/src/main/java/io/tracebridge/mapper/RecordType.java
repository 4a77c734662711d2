package io.tracebridge.mapper;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kind of functional step a {@link FunctionalRecord} describes. Serialised in lower snake case. */
public enum RecordType {
  /** The user's prompt to the agent. */
  PROMPT,
  /** What the agent sent to the model for one model call. */
  MODEL_REQUEST,
  /** What one model call answered, with that call's token usage. */
  MODEL_RESPONSE,
  /** The model's reasoning (thinking) content. */
  REASONING,
  /** A tool call: tool name and input. */
  TOOL_REQUEST,
  /** A tool's result: output and status. */
  TOOL_RESPONSE,
  /** The agent's final answer. */
  RESPONSE,
  /** Something failed: a span error, an exception, a parsing error in the producer. */
  ERROR;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static RecordType fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
