package io.tracebridge.runtime.agent;

import java.util.Objects;

/**
 * Fired once when an {@link Agent} is built, to the agent's own hook providers (not to a
 * request's), with no span current.
 */
public record AgentInitializedEvent(Agent agent) implements HookEvent {
  public AgentInitializedEvent {
    Objects.requireNonNull(agent, "agent");
  }
}
