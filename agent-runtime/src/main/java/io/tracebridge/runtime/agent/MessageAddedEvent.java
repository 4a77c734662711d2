package io.tracebridge.runtime.agent;

import io.tracebridge.runtime.core.Message;
import java.util.Objects;

/**
 * Fired each time a message joins the session's conversation during an invocation: the user
 * prompt, each assistant turn and each user turn of tool results, in conversation order. The span
 * current is the one the message was produced under ({@code invoke_agent} for the prompt, {@code
 * execute_event_loop_cycle} for the others).
 */
public record MessageAddedEvent(Message message) implements HookEvent {
  public MessageAddedEvent {
    Objects.requireNonNull(message, "message");
  }
}
