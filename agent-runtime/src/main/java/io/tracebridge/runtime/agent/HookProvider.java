package io.tracebridge.runtime.agent;

/** A bundle of callbacks, registered together (Strands {@code HookProvider}). */
public interface HookProvider {
  /** Adds this provider's callbacks to {@code registry}. Called once per invocation. */
  void registerHooks(HookRegistry registry);
}
