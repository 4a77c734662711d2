package io.tracebridge.genai;

/** Our own attribute keys on spans and log records ({@code tracebridge.*}). */
public final class TraceBridgeKeys {
  private TraceBridgeKeys() {}

  /** Our hook log records: the 0-based index of the event name within its span. */
  public static final String EVENT_ORDINAL = "tracebridge.event.ordinal";
  /** Set ({@code true}) on a span from which the CloudWatch export removed GenAI content. */
  public static final String CONTENT_REMOVED = "tracebridge.content.removed";
  /** Set ({@code true}) on a CloudWatch log event whose body was cut to fit. */
  public static final String TRUNCATED = "tracebridge.truncated";
  /** The size in bytes a {@link #TRUNCATED} body had. */
  public static final String ORIGINAL_BYTES = "tracebridge.original_bytes";
}
