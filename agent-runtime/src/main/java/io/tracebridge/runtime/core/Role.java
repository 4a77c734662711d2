package io.tracebridge.runtime.core;

/** Who wrote a {@link Message}. Tool results travel in {@link #USER} messages, as in Converse. */
public enum Role {
  USER("user"),
  ASSISTANT("assistant");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case name used by Converse and Strands. */
  public String wireName() {
    return wireName;
  }
}
