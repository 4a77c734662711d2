package io.tracebridge.mapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * Keeps a record's identity values (what it is filed and keyed under: session, agent, model, tool,
 * call ids, span name...) short, as {@link ContentLimits} keeps its content small, so that a
 * producer's 300 KB {@code session.id} or tool name is stored cut rather than failing the write.
 *
 * <p>Each identity value longer than {@link #MAX_IDENTITY_BYTES} of UTF-8 is cut to its longest
 * prefix that fits, never splitting a character; the record is marked {@code truncated} and
 * {@code truncatedFields} names each cut field (its JSON path: {@code sessionId}, {@code
 * tool.name}, {@code messages[2].parts[0].callId}) with its UTF-8 size in bytes before the cut.
 * The cut is a pure function of the value, so every record and {@link SpanNode} that carries the
 * same oversized value carries the same cut one, and they still group and join together.
 *
 * <p>Why 256 bytes: the store builds keys from these values, and DynamoDB limits a partition key
 * to 2,048 bytes and a sort key to 1,024. The tightest is the usage aggregate's sort key, {@code
 * {length}:{agent, session or trace}#{model}}: two identity values in one sort key, so each must
 * stay well under 512 bytes (trace-api README, "DynamoDB key design"; {@code
 * BadIdentityAndUsageIT} fails with a 512-byte cap, on that key, and with none on the 400 KB
 * item). A record carries 13 identity values (about 3 KB at the cap) besides its messages'
 * roles, tool names and call ids, which {@link ContentLimits#MAX_MESSAGES_STRUCTURE_BYTES}
 * bounds. No real session id, agent name, model or tool name is near that long (Bedrock model
 * ARNs are around 100 bytes).
 */
public final class IdentityLimits {
  /** The most UTF-8 bytes one identity value keeps. */
  public static final int MAX_IDENTITY_BYTES = 256;

  private IdentityLimits() {}

  /** {@code value} cut to {@link #MAX_IDENTITY_BYTES} of UTF-8 (null stays null). */
  @Nullable
  public static String cut(@Nullable String value) {
    return ContentLimits.cut(value, MAX_IDENTITY_BYTES);
  }

  /** {@code record}, or a copy with its oversized identity values cut and marked. */
  public static FunctionalRecord limit(FunctionalRecord record) {
    Cuts cuts = new Cuts();
    FunctionalRecord.Builder b = record.toBuilder()
        .spanName(cuts.cut("spanName", record.spanName()))
        .sessionId(cuts.cut("sessionId", record.sessionId()))
        .agentId(cuts.cut("agentId", record.agentId()))
        .agentName(cuts.cut("agentName", record.agentName()))
        .model(cuts.cut("model", record.model()))
        .provider(cuts.cut("provider", record.provider()))
        .finishReason(cuts.cut("finishReason", record.finishReason()));
    ToolCall t = record.tool();
    if (t != null) {
      b.tool(new ToolCall(cuts.cut("tool.name", t.name()), cuts.cut("tool.callId", t.callId()),
          cuts.cut("tool.actionGroup", t.actionGroup()), cuts.cut("tool.action", t.action()),
          t.input(), t.output(), cuts.cut("tool.status", t.status())));
    }
    RecordError e = record.error();
    if (e != null) {
      b.error(new RecordError(cuts.cut("error.type", e.type()), e.message()));
    }
    if (anyOversized(record.messages())) {
      b.messages(messages(record.messages(), cuts));
    }
    if (cuts.original.isEmpty()) {
      return record;
    }
    Map<String, Long> fields = new TreeMap<>();
    if (record.truncatedFields() != null) {
      fields.putAll(record.truncatedFields());
    }
    fields.putAll(cuts.original);
    return b.truncated(true).truncatedFields(fields).build();
  }

  /** True if a role, tool name or call id of {@code messages} is too long (no copy otherwise). */
  private static boolean anyOversized(@Nullable List<InputMessage> messages) {
    if (messages == null) {
      return false;
    }
    for (InputMessage m : messages) {
      if (ContentLimits.utf8Size(m.role()) > MAX_IDENTITY_BYTES) {
        return true;
      }
      for (MessagePart p : m.parts()) {
        if (ContentLimits.utf8Size(p.toolName()) > MAX_IDENTITY_BYTES
            || ContentLimits.utf8Size(p.callId()) > MAX_IDENTITY_BYTES) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<InputMessage> messages(List<InputMessage> messages, Cuts cuts) {
    List<InputMessage> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      InputMessage m = messages.get(i);
      String at = "messages[" + i + "]";
      List<MessagePart> parts = new ArrayList<>(m.parts().size());
      for (int j = 0; j < m.parts().size(); j++) {
        MessagePart p = m.parts().get(j);
        String part = at + ".parts[" + j + "]";
        parts.add(new MessagePart(p.type(), p.content(),
            cuts.cut(part + ".toolName", p.toolName()), cuts.cut(part + ".callId", p.callId())));
      }
      out.add(new InputMessage(cuts.cut(at + ".role", m.role()), parts));
    }
    return out;
  }

  /** The values cut while limiting one record: field path → UTF-8 bytes before the cut. */
  private static final class Cuts {
    final Map<String, Long> original = new TreeMap<>();

    @Nullable
    String cut(String field, @Nullable String value) {
      long size = ContentLimits.utf8Size(value);
      if (size <= MAX_IDENTITY_BYTES) {
        return value;
      }
      original.put(field, size);
      return IdentityLimits.cut(value);
    }
  }
}
