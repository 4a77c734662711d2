package io.tracebridge.store.dynamodb;

import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.ToolCall;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.mapper.Usage;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB persistence model of a {@link FunctionalRecord}: the converter pair {@link
 * #toItem} / {@link #fromItem} and the key layout (see the package documentation).
 *
 * <p>Every record field is a typed top-level attribute named as in the record's JSON ({@code S},
 * {@code N}, {@code BOOL}; {@code tool}, {@code usage}, {@code totalUsage}, {@code error} and
 * {@code truncatedFields} (field → original UTF-8 bytes, {@code N}) are {@code M} maps, {@code messages} an {@code L} of {@code M}s with their {@code parts}), so an
 * item reads well in the console. Absent (null) fields are left out. {@code timestamp} is ISO-8601
 * with nanoseconds; {@code type} and {@code dialect} use their wire names. Public so that a reader
 * of DynamoDB Streams can decode new images with {@link #fromItem}. Stateless and thread-safe.
 */
public final class DynamoItem {
  public static final String PK = "pk";
  public static final String SK = "sk";
  public static final String GSI1_PK = "gsi1pk";
  public static final String GSI1_SK = "gsi1sk";
  /** Index {@code gsi2}: a session's records by ingest sequence; an agent's trace summaries. */
  public static final String GSI2_PK = "gsi2pk";
  public static final String GSI2_SK = "gsi2sk";
  /** Index {@code gsi3}: an agent's records by ingest sequence; all of a tenant's trace summaries. */
  public static final String GSI3_PK = "gsi3pk";
  public static final String GSI3_SK = "gsi3sk";
  /** The ingest sequence of the stored version ({@link io.tracebridge.store.IngestSeq}). */
  public static final String SEQ = "seq";
  /** SHA-256 of the record's JSON: an identical re-export is recognised and not written again. */
  public static final String CONTENT_HASH = "contentHash";
  /** Sort key prefix of record items. */
  public static final String RECORD_PREFIX = "REC#";
  /** Sort key of a trace's summary item. */
  public static final String SUMMARY_SK = "SUMMARY";
  /** Sort key of a trace's usage mode item ({@link io.tracebridge.store.UsageAccounting.Mode}). */
  public static final String USAGE_MODE_SK = "USAGEMODE";
  /** Sort key prefix of span topology items ({@link io.tracebridge.mapper.SpanNode}). */
  public static final String SPAN_PREFIX = "SPAN#";
  /** Sort key of a trace's assembly pass counter ({@link io.tracebridge.store.TraceAssemblyStore}). */
  public static final String PASSES_SK = "PASSES";
  /** Version of this item layout, stored on every item so that a later layout can be read beside it. */
  public static final String SCHEMA_VERSION = "schemaVersion";

  static final int CURRENT_SCHEMA_VERSION = 1;

  private DynamoItem() {}

  /** {@code TRACE#{tenant}#{w3cTraceId}}; {@code traceId} may be in either form. */
  public static String tracePk(String tenant, String traceId) {
    return "TRACE#" + tenant + "#" + TraceIds.toW3c(traceId);
  }

  /** {@code REC#{recordId}}. */
  public static String recordSk(String recordId) {
    return RECORD_PREFIX + recordId;
  }

  /** {@code SPAN#{spanId}}. */
  public static String spanSk(String spanId) {
    return SPAN_PREFIX + spanId;
  }

  /** The item of one span's topology in its trace's partition. */
  static Map<String, AttributeValue> spanItem(String tenant, io.tracebridge.mapper.SpanNode span) {
    Map<String, AttributeValue> item = new HashMap<>();
    String traceId = TraceIds.toW3c(span.traceId());
    item.put(PK, s(tracePk(tenant, traceId)));
    item.put(SK, s(spanSk(span.spanId())));
    item.put("traceId", s(traceId));
    item.put("spanId", s(span.spanId()));
    putS(item, "parentSpanId", span.parentSpanId());
    putS(item, "agentId", span.agentId());
    putS(item, "agentName", span.agentName());
    putS(item, "sessionId", span.sessionId());
    item.put(SCHEMA_VERSION, AttributeValue.fromN(Integer.toString(CURRENT_SCHEMA_VERSION)));
    return item;
  }

  static io.tracebridge.mapper.SpanNode spanFromItem(Map<String, AttributeValue> item) {
    return new io.tracebridge.mapper.SpanNode(item.get("traceId").s(), item.get("spanId").s(),
        str(item, "parentSpanId"), str(item, "agentId"), str(item, "agentName"), str(item, "sessionId"));
  }

  /** {@code USAGE#{recordId}}: the marker of a counted model call or agent-level total. */
  public static String usageMarkerSk(String recordId) {
    return "USAGE#" + recordId;
  }

  /** {@code AGENT#{tenant}#{agentId}}: the partition key of an agent's feed in {@code gsi3}. */
  public static String agentPk(String tenant, String agentId) {
    return "AGENT#" + tenant + "#" + agentId;
  }

  /** Partition keys of the trace lists: all of a tenant's, a session's, an agent's. */
  public static String tenantTracesPk(String tenant) {
    return "TRACES#" + tenant;
  }

  public static String sessionTracesPk(String tenant, String sessionId) {
    return "TRACES#" + tenant + "#S#" + sessionId;
  }

  public static String agentTracesPk(String tenant, String agentId) {
    return "TRACES#" + tenant + "#A#" + agentId;
  }

  /** {@code {startNanos, 19 digits}#{w3cTraceId}}: a trace's position in the lists. */
  public static String traceListSk(long startNanos, String w3cTraceId) {
    return String.format("%019d#%s", startNanos, w3cTraceId);
  }

  /** {@code USAGE#{tenant}#{kind}#{day}}: one day of one kind of usage aggregate. */
  public static String usagePk(String tenant, io.tracebridge.store.UsageKind kind, java.time.LocalDate day) {
    return "USAGE#" + tenant + "#" + kind.key() + "#" + day;
  }

  /** {@code {length of value}:{value}#{model}}: unambiguous whatever the value holds. */
  public static String usageSk(String value, String model) {
    return value.length() + ":" + value + "#" + model;
  }

  /**
   * The item of {@code record} stored at sequence {@code seq}: {@link #toItem(FunctionalRecord)}
   * plus the sequence, the content hash and the feed index keys.
   */
  public static Map<String, AttributeValue> toItem(FunctionalRecord record, String seq) {
    Map<String, AttributeValue> item = toItem(record);
    item.put(SEQ, s(seq));
    item.put(CONTENT_HASH, s(contentHash(record)));
    if (record.sessionId() != null) {
      item.put(GSI2_PK, s(sessionPk(record.tenant(), record.sessionId())));
      item.put(GSI2_SK, s(seq));
    }
    if (record.agentId() != null) {
      item.put(GSI3_PK, s(agentPk(record.tenant(), record.agentId())));
      item.put(GSI3_SK, s(seq));
    }
    return item;
  }

  /** SHA-256 (hex) of the record's JSON form: equal for equal records. */
  public static String contentHash(FunctionalRecord record) {
    try {
      byte[] json = io.tracebridge.mapper.RecordJson.mapper().writeValueAsBytes(record);
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException
        | java.security.NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("cannot hash record " + record.recordId(), e);
    }
  }

  /** {@code SESSION#{tenant}#{sessionId}}: the partition key of the {@code bySession} index. */
  public static String sessionPk(String tenant, String sessionId) {
    return "SESSION#" + tenant + "#" + sessionId;
  }

  /** {@code {timestampNanos, 19 digits}#{recordId}}: sorts a session's records by time. */
  public static String sessionSk(FunctionalRecord record) {
    return String.format("%019d#%s", record.timestampNanos(), record.recordId());
  }

  /**
   * The item for {@code record}, keys included.
   *
   * @throws IllegalArgumentException if the record's trace id is in neither id form
   */
  public static Map<String, AttributeValue> toItem(FunctionalRecord record) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(tracePk(record.tenant(), record.traceId())));
    item.put(SK, s(recordSk(record.recordId())));
    if (record.sessionId() != null) {
      item.put(GSI1_PK, s(sessionPk(record.tenant(), record.sessionId())));
      item.put(GSI1_SK, s(sessionSk(record)));
    }
    item.put(SCHEMA_VERSION, n(CURRENT_SCHEMA_VERSION));
    item.put("tenant", s(record.tenant()));
    item.put("traceId", s(record.traceId()));
    item.put("xrayTraceId", s(record.xrayTraceId()));
    item.put("spanId", s(record.spanId()));
    putS(item, "parentSpanId", record.parentSpanId());
    putS(item, "spanName", record.spanName());
    item.put("recordId", s(record.recordId()));
    item.put("type", s(record.type().wireName()));
    item.put("timestamp", s(record.timestamp().toString()));
    if (record.durationMs() != null) {
      item.put("durationMs", n(record.durationMs()));
    }
    putS(item, "sessionId", record.sessionId());
    putS(item, "agentId", record.agentId());
    putS(item, "agentName", record.agentName());
    putS(item, "model", record.model());
    putS(item, "provider", record.provider());
    putS(item, "text", record.text());
    if (record.tool() != null) {
      ToolCall t = record.tool();
      Map<String, AttributeValue> m = new HashMap<>();
      putS(m, "name", t.name());
      putS(m, "callId", t.callId());
      putS(m, "actionGroup", t.actionGroup());
      putS(m, "action", t.action());
      putS(m, "input", t.input());
      putS(m, "output", t.output());
      putS(m, "status", t.status());
      item.put("tool", AttributeValue.fromM(m));
    }
    if (record.usage() != null) {
      item.put("usage", usageMap(record.usage()));
    }
    if (record.totalUsage() != null) {
      item.put("totalUsage", usageMap(record.totalUsage()));
    }
    putS(item, "finishReason", record.finishReason());
    if (record.error() != null) {
      Map<String, AttributeValue> m = new HashMap<>();
      putS(m, "type", record.error().type());
      putS(m, "message", record.error().message());
      item.put("error", AttributeValue.fromM(m));
    }
    item.put("truncated", AttributeValue.fromBool(record.truncated()));
    if (record.originalSize() != null) {
      item.put("originalSize", n(record.originalSize()));
    }
    if (record.truncatedFields() != null) {
      Map<String, AttributeValue> m = new HashMap<>();
      record.truncatedFields().forEach((field, bytes) -> m.put(field, n(bytes)));
      item.put("truncatedFields", AttributeValue.fromM(m));
    }
    item.put("dialect", s(record.dialect().wireName()));
    putS(item, "systemPrompt", record.systemPrompt());
    if (record.messages() != null) {
      java.util.List<AttributeValue> messages = new java.util.ArrayList<>();
      for (io.tracebridge.mapper.InputMessage message : record.messages()) {
        java.util.List<AttributeValue> parts = new java.util.ArrayList<>();
        for (io.tracebridge.mapper.MessagePart part : message.parts()) {
          Map<String, AttributeValue> m = new HashMap<>();
          m.put("type", s(part.type()));
          putS(m, "content", part.content());
          putS(m, "toolName", part.toolName());
          putS(m, "callId", part.callId());
          parts.add(AttributeValue.fromM(m));
        }
        messages.add(AttributeValue.fromM(Map.of("role", s(message.role()), "parts", AttributeValue.fromL(parts))));
      }
      item.put("messages", AttributeValue.fromL(messages));
    }
    return item;
  }

  /**
   * The record stored in {@code item}. Key and unknown attributes are ignored.
   *
   * @throws IllegalArgumentException if a required attribute is missing or malformed
   */
  public static FunctionalRecord fromItem(Map<String, AttributeValue> item) {
    try {
      FunctionalRecord.Builder b =
          FunctionalRecord.builder()
              .tenant(required(item, "tenant"))
              .xrayTraceId(required(item, "xrayTraceId"))
              .traceId(required(item, "traceId"))
              .spanId(required(item, "spanId"))
              .parentSpanId(str(item, "parentSpanId"))
              .spanName(str(item, "spanName"))
              .recordId(required(item, "recordId"))
              .type(RecordType.fromWireName(required(item, "type")))
              .timestamp(Instant.parse(required(item, "timestamp")))
              .durationMs(item.containsKey("durationMs") ? num(item, "durationMs") : null)
              .sessionId(str(item, "sessionId"))
              .agentId(str(item, "agentId"))
              .agentName(str(item, "agentName"))
              .model(str(item, "model"))
              .provider(str(item, "provider"))
              .text(str(item, "text"))
              .finishReason(str(item, "finishReason"))
              .truncated(item.containsKey("truncated") && item.get("truncated").bool())
              .originalSize(item.containsKey("originalSize") ? num(item, "originalSize") : null)
              .dialect(Dialect.fromWireName(required(item, "dialect")));
      if (item.containsKey("truncatedFields")) {
        Map<String, Long> fields = new HashMap<>();
        item.get("truncatedFields").m().forEach((field, bytes) -> fields.put(field, Long.parseLong(bytes.n())));
        b.truncatedFields(fields);
      }
      if (item.containsKey("tool")) {
        Map<String, AttributeValue> m = item.get("tool").m();
        b.tool(
            new ToolCall(
                str(m, "name"), str(m, "callId"), str(m, "actionGroup"), str(m, "action"),
                str(m, "input"), str(m, "output"), str(m, "status")));
      }
      if (item.containsKey("usage")) {
        b.usage(usage(item.get("usage").m()));
      }
      if (item.containsKey("totalUsage")) {
        b.totalUsage(usage(item.get("totalUsage").m()));
      }
      if (item.containsKey("error")) {
        Map<String, AttributeValue> m = item.get("error").m();
        b.error(new RecordError(str(m, "type"), str(m, "message")));
      }
      b.systemPrompt(str(item, "systemPrompt"));
      if (item.containsKey("messages")) {
        java.util.List<io.tracebridge.mapper.InputMessage> messages = new java.util.ArrayList<>();
        for (AttributeValue message : item.get("messages").l()) {
          java.util.List<io.tracebridge.mapper.MessagePart> parts = new java.util.ArrayList<>();
          for (AttributeValue part : message.m().get("parts").l()) {
            Map<String, AttributeValue> m = part.m();
            parts.add(new io.tracebridge.mapper.MessagePart(
                required(m, "type"), str(m, "content"), str(m, "toolName"), str(m, "callId")));
          }
          messages.add(new io.tracebridge.mapper.InputMessage(required(message.m(), "role"), parts));
        }
        b.messages(messages);
      }
      return b.build();
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae
          ? iae
          : new IllegalArgumentException("malformed record item: " + e.getMessage(), e);
    }
  }

  private static AttributeValue usageMap(Usage u) {
    return AttributeValue.fromM(
        Map.of(
            "inputTokens", n(u.inputTokens()),
            "outputTokens", n(u.outputTokens()),
            "cacheReadTokens", n(u.cacheReadTokens()),
            "cacheWriteTokens", n(u.cacheWriteTokens()),
            "reasoningTokens", n(u.reasoningTokens())));
  }

  private static Usage usage(Map<String, AttributeValue> m) {
    return new Usage(
        num(m, "inputTokens"), num(m, "outputTokens"), num(m, "cacheReadTokens"),
        num(m, "cacheWriteTokens"), num(m, "reasoningTokens"));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static void putS(Map<String, AttributeValue> m, String name, @Nullable String value) {
    if (value != null) {
      m.put(name, s(value));
    }
  }

  @Nullable
  private static String str(Map<String, AttributeValue> m, String name) {
    AttributeValue v = m.get(name);
    return v == null ? null : v.s();
  }

  private static String required(Map<String, AttributeValue> m, String name) {
    String v = str(m, name);
    if (v == null) {
      throw new IllegalArgumentException("record item has no string attribute '" + name + "'");
    }
    return v;
  }

  private static long num(Map<String, AttributeValue> m, String name) {
    AttributeValue v = m.get(name);
    if (v == null || v.n() == null) {
      return 0;
    }
    return Long.parseLong(v.n());
  }
}
