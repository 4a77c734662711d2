package io.tracebridge.runtime.hooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.agent.BeforeToolCallEvent;
import io.tracebridge.runtime.agent.HookProvider;
import io.tracebridge.runtime.agent.HookRegistry;
import io.tracebridge.runtime.internal.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * Passes session attributes to tools without the model seeing them (the seed's {@code
 * SessionContextHook}). Before each tool call it adds {@code sessionAttributes} (the map, as a JSON
 * object) and {@code action_id} (the tool name after the last {@code ___}, or the whole name) to the
 * tool's input. The conversation keeps the model's original input, so the attributes never reach
 * the model; tool specs never mention them.
 *
 * <p>Immutable and thread-safe; build one per invocation from the request's attributes.
 */
public final class SessionContextHook implements HookProvider {
  /** Input key of the session attributes object. */
  public static final String SESSION_ATTRIBUTES = "sessionAttributes";
  /** Input key of the action id. */
  public static final String ACTION_ID = "action_id";

  private final Map<String, String> sessionAttributes;

  public SessionContextHook(Map<String, String> sessionAttributes) {
    this.sessionAttributes = Map.copyOf(sessionAttributes);
  }

  @Override
  public void registerHooks(HookRegistry registry) {
    registry.addCallback(BeforeToolCallEvent.class, this::addSessionContext);
  }

  /** {@code group___action} → {@code action}; a name without {@code ___} is returned whole. */
  public static String actionId(String toolName) {
    int at = toolName.lastIndexOf("___");
    return at < 0 ? toolName : toolName.substring(at + 3);
  }

  private void addSessionContext(BeforeToolCallEvent event) {
    ObjectNode attributes = Json.object();
    new TreeMap<>(sessionAttributes).forEach(attributes::put);
    event.input().set(SESSION_ATTRIBUTES, attributes);
    event.input().put(ACTION_ID, actionId(event.toolUse().name()));
  }

  @Override
  public String toString() {
    // Values may identify users: names only.
    return "SessionContextHook{keys=" + new TreeMap<>(sessionAttributes).keySet() + "}";
  }
}
