package io.tracebridge.receiver;

import java.time.Duration;

/**
 * The receiver is at its bound of exports in flight and turned a request away: the sender should
 * retry after {@link #retryAfter()} (RESOURCE_EXHAUSTED with RetryInfo / HTTP 429 with
 * Retry-After, mapped in {@link ExportErrors}).
 */
public final class OverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  public OverloadedException(String message, Duration retryAfter) {
    super(message, null, false, false); // expected under load: no stack trace to fill
    this.retryAfter = retryAfter;
  }

  /** The delay advised to the sender. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
