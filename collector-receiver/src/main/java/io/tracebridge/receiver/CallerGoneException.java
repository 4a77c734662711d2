package io.tracebridge.receiver;

/**
 * The sender of an export gave up (gRPC cancellation or deadline, HTTP connection closed) before
 * the export was mapped and stored, so the receiver abandoned it: no store work is done for an
 * answer nobody reads. The sender's retry, if any, is a new export.
 */
public final class CallerGoneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CallerGoneException() {
    super("the sender gave up before the export was stored; abandoned", null, false, false);
  }
}
