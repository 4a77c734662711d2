package io.tracebridge.runtime.agent;

import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One invocation: the prompt, the session whose conversation continues, an optional agent id for
 * {@code gen_ai.agent.id}, hooks for this invocation only (registered after the agent's own, e.g. a
 * {@code SessionContextHook} built from the request's session attributes), and an optional model
 * id that selects another model than the agent's default (resolved by the agent's model resolver).
 */
public record AgentRequest(
    String prompt, String sessionId, @Nullable String agentId, List<HookProvider> hooks, @Nullable String modelId) {
  public AgentRequest {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(sessionId, "sessionId");
    hooks = List.copyOf(hooks);
    if (sessionId.isBlank()) {
      throw new IllegalArgumentException("sessionId must not be blank");
    }
  }

  /** A request on the agent's default model. */
  public AgentRequest(String prompt, String sessionId, @Nullable String agentId, List<HookProvider> hooks) {
    this(prompt, sessionId, agentId, hooks, null);
  }

  /** A request with no agent id and no extra hooks. */
  public static AgentRequest of(String prompt, String sessionId) {
    return new AgentRequest(prompt, sessionId, null, List.of());
  }
}
