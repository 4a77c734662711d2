package io.tracebridge.mapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic record ids: the same trace, span and step always give the same id, so a span
 * exported twice (or a log record announcing a step before its span arrives) overwrites the same
 * record instead of adding one.
 *
 * <p>The step key names the step within its span, for example {@code tool_request#0} for the first
 * {@code tool_request} hook event of the span. The id is the first 128 bits of SHA-256 over
 * {@code traceId/spanId/stepKey}, in hex.
 */
public final class RecordIds {
  /**
   * One digest per thread, reset by each {@code digest} call: {@code MessageDigest.getInstance}
   * looks the provider up every time, a visible share of the mapper's CPU per record.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  });

  private RecordIds() {}

  public static String of(String traceId, String spanId, String stepKey) {
    MessageDigest sha = SHA_256.get();
    byte[] digest =
        sha.digest((traceId + "/" + spanId + "/" + stepKey).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 16);
  }
}
