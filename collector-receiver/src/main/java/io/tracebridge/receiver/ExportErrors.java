package io.tracebridge.receiver;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.StoreException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The one place that turns export failures into transport statuses (as the collector's {@code
 * internal/errors/errors.go}).
 *
 * <table>
 *   <caption>Failure to status</caption>
 *   <tr><th>failure</th><th>gRPC</th><th>HTTP</th></tr>
 *   <tr><td>{@link AuthenticationException}</td><td>UNAUTHENTICATED</td><td>401</td></tr>
 *   <tr><td>{@link OverloadedException}</td><td>RESOURCE_EXHAUSTED + RetryInfo</td>
 *       <td>429 + Retry-After</td></tr>
 *   <tr><td>{@link CallerGoneException} (nobody reads it)</td><td>CANCELLED</td><td>408</td></tr>
 *   <tr><td>retryable {@link StoreException}</td><td>UNAVAILABLE</td><td>503 + Retry-After</td></tr>
 *   <tr><td>permanent {@link StoreException}</td><td>INVALID_ARGUMENT</td><td>400</td></tr>
 *   <tr><td>{@link RequestRejectedException}</td><td>INVALID_ARGUMENT / RESOURCE_EXHAUSTED</td>
 *       <td>400 / 415 / 413</td></tr>
 *   <tr><td>{@link IllegalArgumentException}</td><td>INVALID_ARGUMENT</td><td>400</td></tr>
 *   <tr><td>anything else</td><td>INTERNAL</td><td>500</td></tr>
 * </table>
 *
 * <p>OTLP senders retry UNAVAILABLE / 503, and RESOURCE_EXHAUSTED / 429 when retry advice is
 * given; they drop the data on the others, which is right for input that will never be accepted.
 */
public final class ExportErrors {
  private ExportErrors() {}

  /** The gRPC status for a failed export. */
  public static Status toGrpcStatus(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof AuthenticationException auth) {
      return Status.UNAUTHENTICATED.withDescription(auth.getMessage());
    }
    if (cause instanceof OverloadedException busy) {
      return Status.RESOURCE_EXHAUSTED.withDescription(busy.getMessage());
    }
    if (cause instanceof CallerGoneException gone) {
      return Status.CANCELLED.withDescription(gone.getMessage());
    }
    if (cause instanceof StoreException store) {
      return (store.retryable() ? Status.UNAVAILABLE : Status.INVALID_ARGUMENT)
          .withDescription("store: " + store.getMessage())
          .withCause(store);
    }
    if (cause instanceof RequestRejectedException rejected) {
      return (rejected.reason() == RequestRejectedException.Reason.TOO_LARGE
              ? Status.RESOURCE_EXHAUSTED : Status.INVALID_ARGUMENT)
          .withDescription(rejected.getMessage());
    }
    if (cause instanceof IllegalArgumentException bad) {
      return Status.INVALID_ARGUMENT.withDescription(bad.getMessage()).withCause(bad);
    }
    return Status.INTERNAL.withDescription("export failed: " + cause).withCause(cause);
  }

  /**
   * The exception a gRPC service hands to {@code onError}: {@link #toGrpcStatus}, plus a {@code
   * google.rpc.RetryInfo} detail when the sender should retry after a delay (OTLP retries
   * RESOURCE_EXHAUSTED only when it carries RetryInfo).
   */
  public static StatusRuntimeException toGrpcException(Throwable failure) {
    Status status = toGrpcStatus(failure);
    Optional<Duration> retryAfter = retryAfter(failure);
    if (retryAfter.isEmpty()) {
      return status.asRuntimeException();
    }
    Duration delay = retryAfter.get();
    com.google.rpc.Status detailed =
        com.google.rpc.Status.newBuilder()
            .setCode(status.getCode().value())
            .setMessage(status.getDescription() == null ? "" : status.getDescription())
            .addDetails(Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(delay.getSeconds())
                    .setNanos(delay.getNano()))
                .build()))
            .build();
    return StatusProto.toStatusRuntimeException(detailed);
  }

  /**
   * The {@code reason} label of a refused request or export in {@link ReceiverMetrics}: {@code
   * unauthenticated}, {@code overloaded}, {@code caller_gone}, {@code store_unavailable}, {@code
   * store_rejected}, {@code undecodable}, {@code unsupported_media_type}, {@code too_large}, {@code
   * invalid}, {@code internal}.
   */
  public static String reason(@javax.annotation.Nullable Throwable failure) {
    Throwable cause = failure == null ? null : unwrap(failure);
    if (cause instanceof AuthenticationException) {
      return "unauthenticated";
    }
    if (cause instanceof OverloadedException) {
      return "overloaded";
    }
    if (cause instanceof CallerGoneException) {
      return "caller_gone";
    }
    if (cause instanceof StoreException store) {
      return store.retryable() ? "store_unavailable" : "store_rejected";
    }
    if (cause instanceof RequestRejectedException rejected) {
      return rejected.reason().name().toLowerCase(java.util.Locale.ROOT);
    }
    if (cause instanceof IllegalArgumentException) {
      return "invalid";
    }
    return "internal";
  }

  /** The HTTP status code for a failed export (OTLP/HTTP: 429/503 retry, 4xx do not). */
  public static int toHttpStatus(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof AuthenticationException) {
      return 401;
    }
    if (cause instanceof OverloadedException) {
      return 429;
    }
    if (cause instanceof CallerGoneException) {
      return 408;
    }
    if (cause instanceof StoreException store) {
      return store.retryable() ? 503 : 400;
    }
    if (cause instanceof RequestRejectedException rejected) {
      return switch (rejected.reason()) {
        case UNDECODABLE -> 400;
        case UNSUPPORTED_MEDIA_TYPE -> 415;
        case TOO_LARGE -> 413;
      };
    }
    if (cause instanceof IllegalArgumentException) {
      return 400;
    }
    return 500;
  }

  /** The message for the sender: the gRPC status description, the HTTP error body's message. */
  public static String message(Throwable failure) {
    String description = toGrpcStatus(failure).getDescription();
    return description == null ? "export failed" : description;
  }

  /**
   * The delay to advise the sender (RetryInfo / Retry-After): set for an overloaded receiver and
   * for a retryable store failure; empty when a retry cannot help or needs no advice.
   */
  public static Optional<Duration> retryAfter(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof OverloadedException busy) {
      return Optional.of(busy.retryAfter());
    }
    if (cause instanceof StoreException store && store.retryable()) {
      return Optional.of(ReceiverConfig.DEFAULT_RETRY_AFTER);
    }
    return Optional.empty();
  }

  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
