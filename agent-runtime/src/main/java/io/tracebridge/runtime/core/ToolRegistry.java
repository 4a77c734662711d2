package io.tracebridge.runtime.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools an agent may call, by name, in registration order. Thread-safe: registration and
 * look-ups may happen concurrently; {@link #specs()} returns a snapshot.
 */
public final class ToolRegistry {
  private final Map<String, Tool> tools = new LinkedHashMap<>();

  /** A registry holding {@code tools}. */
  public static ToolRegistry of(Tool... tools) {
    ToolRegistry registry = new ToolRegistry();
    for (Tool tool : tools) {
      registry.register(tool);
    }
    return registry;
  }

  /**
   * Adds {@code tool}.
   *
   * @throws IllegalArgumentException if a tool with the same name is registered
   */
  public synchronized ToolRegistry register(Tool tool) {
    String name = tool.spec().name();
    if (tools.putIfAbsent(name, tool) != null) {
      throw new IllegalArgumentException("a tool named '" + name + "' is already registered");
    }
    return this;
  }

  /** The tool named {@code name}, if registered. */
  public synchronized Optional<Tool> find(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /** Specs of all tools, in registration order. */
  public synchronized List<ToolSpec> specs() {
    List<ToolSpec> specs = new ArrayList<>(tools.size());
    tools.values().forEach(t -> specs.add(t.spec()));
    return List.copyOf(specs);
  }

  /** Tool names, in registration order. */
  public synchronized List<String> names() {
    return List.copyOf(tools.keySet());
  }
}
