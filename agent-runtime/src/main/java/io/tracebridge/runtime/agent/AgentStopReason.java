package io.tracebridge.runtime.agent;

import io.tracebridge.runtime.core.StopReason;

/** Why an invocation ended, with the names of the runtime seed's HTTP protocol. */
public enum AgentStopReason {
  END_TURN("EndTurn"),
  TOOL_USE("ToolUse"),
  MAX_TOKENS("MaxTokens"),
  STOP_SEQUENCE("StopSequence"),
  MAX_ITERATIONS("MaxIterations");

  private final String wireName;

  AgentStopReason(String wireName) {
    this.wireName = wireName;
  }

  /** {@code EndTurn}, {@code MaxIterations}, ... as sent in {@code stop_reason}. */
  public String wireName() {
    return wireName;
  }

  /** The agent stop reason for a model stop reason. */
  public static AgentStopReason of(StopReason reason) {
    switch (reason) {
      case END_TURN:
        return END_TURN;
      case TOOL_USE:
        return TOOL_USE;
      case MAX_TOKENS:
        return MAX_TOKENS;
      case STOP_SEQUENCE:
        return STOP_SEQUENCE;
      default:
        throw new IllegalArgumentException("unknown stop reason " + reason);
    }
  }
}
