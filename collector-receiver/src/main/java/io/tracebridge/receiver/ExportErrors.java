package io.tracebridge.receiver;

import io.grpc.Status;
import io.tracebridge.store.StoreException;
import java.util.concurrent.CompletionException;

/**
 * The one place that turns export failures into transport statuses (as the collector's
 * {@code internal/errors/errors.go}). Retryable store failures tell the sender to retry; permanent
 * ones tell it not to; anything unexpected is INTERNAL.
 */
public final class ExportErrors {
  private ExportErrors() {}

  /** The gRPC status for a failed export. */
  public static Status toGrpcStatus(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof StoreException store) {
      return (store.retryable() ? Status.UNAVAILABLE : Status.INVALID_ARGUMENT)
          .withDescription("store: " + store.getMessage())
          .withCause(store);
    }
    if (cause instanceof IllegalArgumentException bad) {
      return Status.INVALID_ARGUMENT.withDescription(bad.getMessage()).withCause(bad);
    }
    return Status.INTERNAL.withDescription("export failed: " + cause).withCause(cause);
  }

  /** The HTTP status code for a failed export (OTLP/HTTP: 503 retry, 400 do not). */
  public static int toHttpStatus(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof StoreException store) {
      return store.retryable() ? 503 : 400;
    }
    if (cause instanceof IllegalArgumentException) {
      return 400;
    }
    return 500;
  }

  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
