package io.tracebridge.mapper;

import java.util.List;
import java.util.Objects;

/**
 * One message sent to a model, on a {@code model_request} record ({@link
 * FunctionalRecord#messages()}), in the shape of the GenAI semantic conventions' input messages.
 *
 * @param role {@code user}, {@code assistant}, {@code tool} or {@code system}, as the producer
 *     names it
 * @param parts the message's parts, in order
 */
public record InputMessage(String role, List<MessagePart> parts) {
  public InputMessage {
    Objects.requireNonNull(role, "role");
    parts = List.copyOf(parts);
  }
}
