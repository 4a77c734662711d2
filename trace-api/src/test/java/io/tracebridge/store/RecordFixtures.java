package io.tracebridge.store;

import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.ToolCall;
import io.tracebridge.mapper.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sample records for store tests (exported in the test-jar). Ids are random so that tests sharing
 * one store never see each other's records; record ids are derived as the mapper derives them.
 */
public final class RecordFixtures {
  /** A timestamp with nanoseconds, so that tests notice a store that keeps only milliseconds. */
  public static final Instant BASE_TIME = Instant.parse("2026-03-01T10:15:30.123456789Z");

  private RecordFixtures() {}

  /** A tenant name no other test uses. */
  public static String newTenant() {
    return "tenant-" + UUID.randomUUID();
  }

  /** A random W3C trace id. */
  public static String newTraceId() {
    return hex(16);
  }

  /** A random span id. */
  public static String newSpanId() {
    return hex(8);
  }

  /** A session id no other test uses. */
  public static String newSessionId() {
    return "session-" + UUID.randomUUID();
  }

  /** A builder with only the required fields set: step {@code step} of a fresh span, at {@code at}. */
  public static FunctionalRecord.Builder minimal(String tenant, String traceId, int step, Instant at) {
    String spanId = newSpanId();
    return FunctionalRecord.builder()
        .tenant(tenant)
        .traceId(traceId)
        .spanId(spanId)
        .recordId(RecordIds.of(traceId, spanId, "step#" + step))
        .type(RecordType.MODEL_RESPONSE)
        .timestamp(at)
        .dialect(Dialect.GENAI_SEMCONV);
  }

  /** A record with every field set, nanosecond timestamp, tool, usage, error and truncated. */
  public static FunctionalRecord full(String tenant, String traceId, String sessionId) {
    return minimal(tenant, traceId, 0, BASE_TIME)
        .parentSpanId(newSpanId())
        .spanName("execute_tool bookings___find_hotel")
        .type(RecordType.TOOL_RESPONSE)
        .durationMs(1234L)
        .sessionId(sessionId)
        .agentId("agent-42")
        .agentName("Travel agent")
        .model("anthropic.claude-3-5-sonnet")
        .provider("aws.bedrock")
        .text("Line one\nLine \"two\" with ünïcödé ✓ and {\"json\": true}")
        .tool(new ToolCall("bookings___find_hotel", "tooluse_123", "bookings", "find_hotel",
            "{\"city\":\"Lisbon\"}", "{\"hotels\":[]}", "error"))
        .usage(new Usage(1200, 345, 1000, 50, 77))
        .totalUsage(new Usage(5000, 900, 3000, 50, 120))
        .finishReason("tool_use")
        .error(new RecordError("TimeoutError", "the hotel API did not answer"))
        .truncated(true)
        .truncatedFields(Map.of("text", 400_000L, "sessionId", 300_000L))
        .originalSize(512_345L)
        .dialect(Dialect.HOOK_EVENTS)
        .systemPrompt("You book hotels.")
        .messages(List.of(
            new io.tracebridge.mapper.InputMessage("user", List.of(
                new io.tracebridge.mapper.MessagePart("text", "A hotel in Lisbon, please", null, null))),
            new io.tracebridge.mapper.InputMessage("tool", List.of(
                new io.tracebridge.mapper.MessagePart("tool_call_response", "{\"hotels\":[]}", null, "tooluse_123")))))
        .build();
  }

  /**
   * {@code count} records of one trace, one millisecond (plus one nanosecond) apart from {@code
   * start}, with session {@code sessionId} (may be null) and text {@code "step N"}.
   */
  public static List<FunctionalRecord> trace(
      String tenant, String traceId, String sessionId, int count, Instant start) {
    List<FunctionalRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          minimal(tenant, traceId, i, start.plusNanos(i * 1_000_001L))
              .sessionId(sessionId)
              .agentId("agent-1")
              .text("step " + i)
              .usage(Usage.of(10 + i, 5 + i))
              .build());
    }
    return records;
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1; // never all zeros
    return HexFormat.of().formatHex(b);
  }
}
