package io.tracebridge.store;

/** What a feed or a websocket subscription follows: one trace, one session or one agent. */
public enum FeedScope {
  TRACE("traceId"),
  SESSION("sessionId"),
  AGENT("agentId");

  private final String field;

  FeedScope(String field) {
    this.field = field;
  }

  /** The record field (and request parameter) that names the scope's id. */
  public String field() {
    return field;
  }
}
