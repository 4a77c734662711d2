package io.tracebridge.cloudwatch.logs;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One CloudWatch Logs event: epoch milliseconds and a UTF-8 message (a JSON object here).
 *
 * @param truncated the message was cut to fit the event size limit
 */
public record LogEvent(long timestampMillis, String message, boolean truncated) {
  public LogEvent {
    Objects.requireNonNull(message, "message");
  }

  public LogEvent(long timestampMillis, String message) {
    this(timestampMillis, message, false);
  }

  /** The message's UTF-8 size, which PutLogEvents counts. */
  public int messageBytes() {
    return message.getBytes(StandardCharsets.UTF_8).length;
  }
}
