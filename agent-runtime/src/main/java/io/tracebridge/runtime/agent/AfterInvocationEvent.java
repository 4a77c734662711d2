package io.tracebridge.runtime.agent;

import java.util.Objects;

/**
 * Fired once after a successful invocation, with the {@code invoke_agent} span current and its
 * accumulated usage attributes already set. Not fired when the invocation fails.
 */
public record AfterInvocationEvent(AgentResult result) implements HookEvent {
  public AfterInvocationEvent {
    Objects.requireNonNull(result, "result");
  }

  @Override
  public boolean reverseCallbacks() {
    return true;
  }
}
