package io.tracebridge.store;

/** Missing or unknown credentials: answered with 401 / UNAUTHENTICATED, never retried. */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }
}
