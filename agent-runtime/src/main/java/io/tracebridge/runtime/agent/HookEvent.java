package io.tracebridge.runtime.agent;

/** Marker for lifecycle events delivered through a {@link HookRegistry}. */
public interface HookEvent {
  /**
   * Whether callbacks run in reverse registration order. True for the {@code After*} events, as in
   * Strands, so that a hook's after-callback nests inside its before-callback.
   */
  default boolean reverseCallbacks() {
    return false;
  }
}
