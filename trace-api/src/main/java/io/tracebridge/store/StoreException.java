package io.tracebridge.store;

/**
 * A failed store operation, classified so the caller knows whether to retry: retryable failures
 * (throttling, timeouts, 5xx) go back to an OTLP sender as UNAVAILABLE / 503; permanent ones
 * (a request the store will never accept) as INVALID_ARGUMENT / 400.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public StoreException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public StoreException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
