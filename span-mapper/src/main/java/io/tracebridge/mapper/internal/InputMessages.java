package io.tracebridge.mapper.internal;

import io.tracebridge.mapper.InputMessage;
import io.tracebridge.mapper.MessagePart;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/** Normalised {@link ChatMessage}s as the record's {@link InputMessage}s. */
final class InputMessages {
  private InputMessages() {}

  /** {@code messages} as input messages; null when there are none (the record omits the field). */
  @Nullable
  static List<InputMessage> of(List<ChatMessage> messages) {
    if (messages.isEmpty()) {
      return null;
    }
    List<InputMessage> out = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      List<MessagePart> parts = new ArrayList<>(m.parts().size());
      for (ChatMessage.Part p : m.parts()) {
        parts.add(switch (p.kind()) {
          case TEXT -> new MessagePart(MessagePart.TEXT, p.text(), null, null);
          case REASONING -> new MessagePart(MessagePart.REASONING, p.text(), null, null);
          case TOOL_CALL ->
              new MessagePart(MessagePart.TOOL_CALL, p.arguments(), p.toolName(), p.callId());
          case TOOL_RESULT ->
              new MessagePart(MessagePart.TOOL_CALL_RESPONSE, p.text(), null, p.callId());
        });
      }
      out.add(new InputMessage(m.role(), parts));
    }
    return out;
  }
}
