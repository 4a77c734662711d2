package io.tracebridge.runtime.core;

/** Why one model call stopped (Converse {@code stopReason}). */
public enum StopReason {
  END_TURN("end_turn"),
  TOOL_USE("tool_use"),
  MAX_TOKENS("max_tokens"),
  STOP_SEQUENCE("stop_sequence");

  private final String wireName;

  StopReason(String wireName) {
    this.wireName = wireName;
  }

  /** The snake-case name Converse and Strands use, e.g. {@code end_turn}; written to spans. */
  public String wireName() {
    return wireName;
  }
}
