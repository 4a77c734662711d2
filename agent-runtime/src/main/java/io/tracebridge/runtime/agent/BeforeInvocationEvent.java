package io.tracebridge.runtime.agent;

import java.util.Objects;
import javax.annotation.Nullable;

/** Fired once per invocation, before the user message is sent; the {@code invoke_agent} span is current. */
public record BeforeInvocationEvent(
    String agentName, @Nullable String agentId, String sessionId, String prompt) implements HookEvent {
  public BeforeInvocationEvent {
    Objects.requireNonNull(agentName, "agentName");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(prompt, "prompt");
  }
}
