package io.tracebridge.mapper;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * Keeps a record's content small enough for one DynamoDB item (400 KB), never dropping the record.
 *
 * <p>The content of a record is its {@code text}, {@code tool.input}, {@code tool.output},
 * {@code error.message}, {@code systemPrompt} and the {@code content} of each of its {@code
 * messages}' parts. When their UTF-8 bytes add up to more than {@link #MAX_CONTENT_BYTES},
 * each is cut to its share of the budget (in proportion to its size, on a character boundary),
 * the record is marked {@code truncated} and {@code originalSize} keeps the uncut total. The
 * budget leaves 100 KB of the item for ids, attribute names, usage and the store's own fields.
 *
 * <p>The {@code messages} of a {@code model_request} also cost bytes that are not content: each
 * message's role and attribute names, each part's type, tool name and call id ({@link
 * #messagesStructure}). {@link #limit(FunctionalRecord)} keeps at most {@link
 * #MAX_MESSAGES_STRUCTURE_BYTES} of it: a first call whose input is thousands of messages (an
 * imported conversation) keeps its latest messages that fit, which hold the prompt and the tool
 * results the call answers, and {@code truncatedFields} gets {@code messages} with the size
 * (structure and content, in bytes) of all of them.
 */
public final class ContentLimits {
  /** The most content bytes (UTF-8) one record keeps: 300 KB of DynamoDB's 400 KB item. */
  public static final int MAX_CONTENT_BYTES = 300 * 1024;

  /**
   * The most bytes of messages' structure one record keeps: 64 KB, about 780 one-part messages
   * (or 110 tool calls with names and ids at {@link IdentityLimits#MAX_IDENTITY_BYTES}). With
   * the content at {@link #MAX_CONTENT_BYTES}, the identity values at their caps and the store's
   * keys (about 6 KB) a record comes to about 370 KB.
   */
  public static final int MAX_MESSAGES_STRUCTURE_BYTES = 64 * 1024;

  /**
   * Upper bounds of what one message and one part cost besides their strings, in JSON and in
   * DynamoDB's item size (attribute names, map and list overhead): {@code
   * {"role":"","parts":[]},} and {@code {"type":"","content":"","toolName":"","callId":""},}.
   */
  private static final int MESSAGE_OVERHEAD = 24;
  private static final int PART_OVERHEAD = 52;

  private ContentLimits() {}

  /** {@code record}, or a copy with its content cut to {@code maxBytes} of UTF-8. */
  public static FunctionalRecord limit(FunctionalRecord record, int maxBytes) {
    ToolCall tool = record.tool();
    RecordError error = record.error();
    long text = utf8Size(record.text());
    long input = tool == null ? 0 : utf8Size(tool.input());
    long output = tool == null ? 0 : utf8Size(tool.output());
    long message = error == null ? 0 : utf8Size(error.message());
    long system = utf8Size(record.systemPrompt());
    long messages = 0;
    if (record.messages() != null) {
      for (InputMessage m : record.messages()) {
        for (MessagePart p : m.parts()) {
          messages += utf8Size(p.content());
        }
      }
    }
    long total = text + input + output + message + system + messages;
    if (total <= maxBytes) {
      return record;
    }
    FunctionalRecord.Builder b = record.toBuilder()
        .text(cut(record.text(), share(text, total, maxBytes)))
        .systemPrompt(cut(record.systemPrompt(), share(system, total, maxBytes)))
        .truncated(true)
        .originalSize(total);
    if (tool != null) {
      b.tool(new ToolCall(tool.name(), tool.callId(), tool.actionGroup(), tool.action(),
          cut(tool.input(), share(input, total, maxBytes)),
          cut(tool.output(), share(output, total, maxBytes)), tool.status()));
    }
    if (error != null) {
      b.error(new RecordError(error.type(), cut(error.message(), share(message, total, maxBytes))));
    }
    if (record.messages() != null) {
      List<InputMessage> cutMessages = new ArrayList<>(record.messages().size());
      for (InputMessage m : record.messages()) {
        List<MessagePart> parts = new ArrayList<>(m.parts().size());
        for (MessagePart p : m.parts()) {
          parts.add(new MessagePart(p.type(),
              cut(p.content(), share(utf8Size(p.content()), total, maxBytes)), p.toolName(),
              p.callId()));
        }
        cutMessages.add(new InputMessage(m.role(), parts));
      }
      b.messages(cutMessages);
    }
    return b.build();
  }

  /**
   * {@code record} with at most {@link #MAX_MESSAGES_STRUCTURE_BYTES} of messages' structure (its
   * latest messages) and its content cut to {@link #MAX_CONTENT_BYTES}.
   */
  public static FunctionalRecord limit(FunctionalRecord record) {
    return limit(latestMessagesThatFit(record), MAX_CONTENT_BYTES);
  }

  private static FunctionalRecord latestMessagesThatFit(FunctionalRecord record) {
    List<InputMessage> messages = record.messages();
    if (messagesStructure(messages) <= MAX_MESSAGES_STRUCTURE_BYTES) {
      return record;
    }
    long all = 0;
    long kept = 0;
    int first = messages.size();
    for (int i = messages.size() - 1; i >= 0; i--) {
      long structure = messagesStructure(List.of(messages.get(i)));
      all += structure + content(messages.get(i));
      if (first == i + 1 && kept + structure <= MAX_MESSAGES_STRUCTURE_BYTES) {
        kept += structure;
        first = i;
      }
    }
    Map<String, Long> fields = new TreeMap<>();
    if (record.truncatedFields() != null) {
      fields.putAll(record.truncatedFields());
    }
    fields.put("messages", all);
    return record.toBuilder().messages(messages.subList(first, messages.size()))
        .truncated(true).truncatedFields(fields).build();
  }

  private static long content(InputMessage message) {
    long bytes = 0;
    for (MessagePart p : message.parts()) {
      bytes += utf8Size(p.content());
    }
    return bytes;
  }

  /**
   * What {@code messages} cost besides their parts' content, in bytes (see the class comment),
   * with roles, tool names and call ids as {@link IdentityLimits} keeps them: so it can run
   * after this, and its {@code truncatedFields} paths name the messages kept.
   */
  static long messagesStructure(@Nullable List<InputMessage> messages) {
    if (messages == null) {
      return 0;
    }
    long bytes = 0;
    for (InputMessage m : messages) {
      bytes += MESSAGE_OVERHEAD + identitySize(m.role());
      for (MessagePart p : m.parts()) {
        bytes += PART_OVERHEAD + utf8Size(p.type()) + identitySize(p.toolName())
            + identitySize(p.callId());
      }
    }
    return bytes;
  }

  private static int share(long size, long total, int maxBytes) {
    return (int) (size * maxBytes / total);
  }

  private static long identitySize(@Nullable String s) {
    return Math.min(utf8Size(s), IdentityLimits.MAX_IDENTITY_BYTES);
  }

  /** The UTF-8 size of {@code s} in bytes, without encoding it; 0 for null. */
  static long utf8Size(@Nullable String s) {
    if (s == null) {
      return 0;
    }
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** The longest prefix of {@code s} whose UTF-8 fits {@code maxBytes}, never splitting a char. */
  @Nullable
  static String cut(@Nullable String s, int maxBytes) {
    if (s == null || utf8Size(s) <= maxBytes) {
      return s;
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
    ByteBuffer out = ByteBuffer.allocate(maxBytes);
    CharBuffer in = CharBuffer.wrap(s);
    encoder.encode(in, out, true);
    // On overflow the encoder stops before a character that does not fit whole.
    return s.substring(0, in.position());
  }
}
