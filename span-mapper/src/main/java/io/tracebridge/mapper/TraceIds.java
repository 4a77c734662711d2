package io.tracebridge.mapper;

import java.util.HexFormat;
import java.util.Locale;

/**
 * Trace ids in their two forms: W3C (32 lower-case hex) and X-Ray ({@code 1-{8 hex}-{24 hex}}).
 *
 * <p>The X-Ray form is the W3C id split after its first 8 hex digits, as the OpenTelemetry
 * Collector's X-Ray exporter and the seed's {@code convert_spans_to_traces} do.
 */
public final class TraceIds {
  private static final String INVALID_W3C = "00000000000000000000000000000000";

  private TraceIds() {}

  /** The X-Ray form of a W3C trace id. */
  public static String toXray(String w3cTraceId) {
    String w3c = toW3c(w3cTraceId);
    return new StringBuilder(35).append("1-").append(w3c, 0, 8).append('-').append(w3c, 8, 32)
        .toString();
  }

  /**
   * The W3C form of a trace id given in either form (case-insensitive).
   *
   * @throws IllegalArgumentException if the id is in neither form or is all zeros
   */
  public static String toW3c(String traceId) {
    // Ids made by the mapper are already W3C: no trimmed or lower-cased copy to scan.
    String id = traceId.length() == 32 && isLowerHex(traceId, 0, 32)
        ? traceId : traceId.trim().toLowerCase(Locale.ROOT);
    // Hand-written matches of 1-([0-9a-f]{8})-([0-9a-f]{24}) and [0-9a-f]{32}: a regex here cost
    // a fifth of ingest CPU (every record built derives its X-Ray id; bench/README.md, 7).
    String w3c;
    if (id.length() == 35 && id.charAt(0) == '1' && id.charAt(1) == '-' && id.charAt(10) == '-'
        && isLowerHex(id, 2, 10) && isLowerHex(id, 11, 35)) {
      w3c = id.substring(2, 10) + id.substring(11);
    } else if (id.length() == 32 && isLowerHex(id, 0, 32)) {
      w3c = id;
    } else {
      throw new IllegalArgumentException(
          "trace id '" + traceId + "' is neither 32 hex digits nor 1-{8 hex}-{24 hex}");
    }
    if (w3c.equals(INVALID_W3C)) {
      throw new IllegalArgumentException("trace id must not be all zeros");
    }
    return w3c;
  }

  private static boolean isLowerHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** True if {@code traceId} is a valid id in either form. */
  public static boolean isValid(String traceId) {
    try {
      toW3c(traceId);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Hex of OTLP id bytes (trace or span id). */
  public static String hex(byte[] id) {
    return HexFormat.of().formatHex(id);
  }
}
