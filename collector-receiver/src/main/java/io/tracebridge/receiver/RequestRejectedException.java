package io.tracebridge.receiver;

/**
 * A request refused whole before it reached an export handler, because its body could not be
 * read. {@link ExportErrors} maps each {@link Reason} to its status; the message says what was
 * wrong in words a producer's developer can act on, and never quotes the payload.
 */
public final class RequestRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a request was refused. */
  public enum Reason {
    /** Not valid protobuf / OTLP JSON, or a corrupt gzip stream: 400 / INVALID_ARGUMENT. */
    UNDECODABLE,
    /** A content type or content encoding the receiver does not read: 415. */
    UNSUPPORTED_MEDIA_TYPE,
    /** Larger than the configured maximum, compressed or not: 413 / RESOURCE_EXHAUSTED. */
    TOO_LARGE
  }

  private final Reason reason;

  public RequestRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RequestRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
