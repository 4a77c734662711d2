package io.tracebridge.runtime.core;

/** A model call failed (transport, throttling, bad response). Ends the invocation with an error. */
public final class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
