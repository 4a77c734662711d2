package io.tracebridge.runtime.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Callbacks by event type, as in Strands' {@code HookRegistry}. Callbacks of one event type run in
 * registration order, or in reverse order when {@link HookEvent#reverseCallbacks()} is true.
 *
 * <p>Not thread-safe: the agent builds one registry per invocation and uses it on one thread. A
 * callback that throws ends the invocation with that exception.
 */
public final class HookRegistry {
  private final Map<Class<?>, List<Consumer<Object>>> callbacks = new LinkedHashMap<>();

  /** Registers {@code callback} for events of exactly {@code eventType}. */
  public <E extends HookEvent> HookRegistry addCallback(Class<E> eventType, Consumer<? super E> callback) {
    callbacks
        .computeIfAbsent(eventType, k -> new ArrayList<>())
        .add(event -> callback.accept(eventType.cast(event)));
    return this;
  }

  /** Lets {@code provider} register its callbacks. */
  public HookRegistry addHook(HookProvider provider) {
    provider.registerHooks(this);
    return this;
  }

  /** Whether any callback is registered for {@code eventType}. */
  public boolean hasCallbacks(Class<? extends HookEvent> eventType) {
    return callbacks.containsKey(eventType);
  }

  /** Runs the callbacks registered for the event's class and returns the event. */
  public <E extends HookEvent> E invoke(E event) {
    List<Consumer<Object>> list = callbacks.getOrDefault(event.getClass(), List.of());
    if (event.reverseCallbacks()) {
      for (int i = list.size() - 1; i >= 0; i--) {
        list.get(i).accept(event);
      }
    } else {
      for (Consumer<Object> callback : list) {
        callback.accept(event);
      }
    }
    return event;
  }
}
