package io.tracebridge.runtime.agent;

import io.tracebridge.runtime.core.Message;
import java.util.List;

/** Fired before each model call with the conversation about to be sent; the {@code chat} span is current. */
public record BeforeModelCallEvent(List<Message> messages) implements HookEvent {
  public BeforeModelCallEvent {
    messages = List.copyOf(messages);
  }
}
