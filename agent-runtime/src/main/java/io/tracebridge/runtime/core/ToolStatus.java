package io.tracebridge.runtime.core;

/** Outcome of a tool call, as Strands records it in {@code gen_ai.tool.status}. */
public enum ToolStatus {
  SUCCESS("success"),
  ERROR("error");

  private final String wireName;

  ToolStatus(String wireName) {
    this.wireName = wireName;
  }

  /** {@code success} or {@code error}. */
  public String wireName() {
    return wireName;
  }
}
