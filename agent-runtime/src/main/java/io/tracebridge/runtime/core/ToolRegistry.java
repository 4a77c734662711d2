package io.tracebridge.runtime.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools an agent may call, by name, in registration order, each owned by a source (the
 * built-in tools, or an MCP server, whose list may change while the runtime runs: {@link
 * #replace}). A name belongs to one tool: a second source offering it is refused, naming both.
 * Thread-safe: registration and look-ups may happen concurrently; {@link #specs()} returns a
 * snapshot, so an invocation sees one consistent list.
 */
public final class ToolRegistry {
  /** The owner of tools added by {@link #register}. */
  public static final String BUILT_IN = "built-in";

  private record Entry(String owner, Tool tool) {}

  private final Map<String, Entry> tools = new LinkedHashMap<>();

  /** A registry holding {@code tools}. */
  public static ToolRegistry of(Tool... tools) {
    ToolRegistry registry = new ToolRegistry();
    for (Tool tool : tools) {
      registry.register(tool);
    }
    return registry;
  }

  /**
   * Adds {@code tool} as a {@value #BUILT_IN} tool.
   *
   * @throws IllegalArgumentException if a tool with the same name is registered
   */
  public synchronized ToolRegistry register(Tool tool) {
    String name = tool.spec().name();
    Entry existing = tools.get(name);
    if (existing != null) {
      throw new IllegalArgumentException(
          "a tool named '" + name + "' is already registered (" + existing.owner() + ")");
    }
    tools.put(name, new Entry(BUILT_IN, tool));
    return this;
  }

  /**
   * Makes {@code replacement} the tools of {@code owner}, dropping the ones it had before; all or
   * nothing.
   *
   * @throws IllegalArgumentException when a name is offered twice or is another owner's tool;
   *     the registry is then unchanged
   */
  public synchronized void replace(String owner, List<Tool> replacement) {
    Map<String, Tool> incoming = new LinkedHashMap<>();
    for (Tool tool : replacement) {
      String name = tool.spec().name();
      Entry existing = tools.get(name);
      if (existing != null && !existing.owner().equals(owner)) {
        throw new IllegalArgumentException(
            "tool name '" + name + "' of " + owner + " collides with the same-named tool of " + existing.owner());
      }
      if (incoming.put(name, tool) != null) {
        throw new IllegalArgumentException(owner + " offers the tool '" + name + "' twice");
      }
    }
    tools.values().removeIf(e -> e.owner().equals(owner));
    incoming.forEach((name, tool) -> tools.put(name, new Entry(owner, tool)));
  }

  /** The tool named {@code name}, if registered. */
  public synchronized Optional<Tool> find(String name) {
    return Optional.ofNullable(tools.get(name)).map(Entry::tool);
  }

  /** Specs of all tools, in registration order. */
  public synchronized List<ToolSpec> specs() {
    List<ToolSpec> specs = new ArrayList<>(tools.size());
    tools.values().forEach(e -> specs.add(e.tool().spec()));
    return List.copyOf(specs);
  }

  /** Tool names, in registration order. */
  public synchronized List<String> names() {
    return List.copyOf(tools.keySet());
  }
}
