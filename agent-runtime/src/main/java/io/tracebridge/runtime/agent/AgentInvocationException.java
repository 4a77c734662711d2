package io.tracebridge.runtime.agent;

/**
 * An invocation failed: the model threw, or a hook did. The {@code invoke_agent} span ended with
 * status ERROR and the exception recorded; the session's conversation is left as it was before the
 * invocation.
 */
public final class AgentInvocationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String traceId;

  AgentInvocationException(String message, String traceId, Throwable cause) {
    super(message, cause);
    this.traceId = traceId;
  }

  /** Trace id of the failed invocation's spans. */
  public String traceId() {
    return traceId;
  }
}
