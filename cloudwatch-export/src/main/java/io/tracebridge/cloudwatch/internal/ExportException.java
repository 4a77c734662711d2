package io.tracebridge.cloudwatch.internal;

import java.time.Duration;
import java.util.Optional;
import javax.annotation.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A failed call to CloudWatch, classified as permanent (a bad request: not retried) or retryable
 * (throttling, 5xx, timeouts, connection failures), as the collector's {@code consumererror}
 * does. {@link #classify(Throwable)} is the one place that decides.
 */
public final class ExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;
  @Nullable private final Duration retryAfter;

  public ExportException(String message, boolean permanent, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
    this.retryAfter = retryAfter;
  }

  public static ExportException permanent(String message, @Nullable Throwable cause) {
    return new ExportException(message, true, null, cause);
  }

  public static ExportException retryable(String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    return new ExportException(message, false, retryAfter, cause);
  }

  public boolean isPermanent() {
    return permanent;
  }

  /** The server's advice on when to retry, when it gave one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** True for an HTTP status a retry may cure: 408, 429 and every 5xx. */
  public static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  /**
   * Classifies a failure: AWS throttling, 408/429 and 5xx are retryable, any other 4xx is
   * permanent; client-side failures (I/O, timeouts) are retryable; anything else (a bug, say) is
   * permanent so it is never retried in a loop.
   */
  public static ExportException classify(Throwable failure) {
    if (failure instanceof ExportException already) {
      return already;
    }
    if (failure instanceof AwsServiceException aws) {
      String code = aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
      String message = "AWS " + (code == null ? "error" : code) + " (HTTP " + aws.statusCode() + ")";
      if (aws.isThrottlingException() || retryableStatus(aws.statusCode())) {
        return retryable(message, null, aws);
      }
      return permanent(message, aws);
    }
    if (failure instanceof SdkClientException || failure instanceof java.io.IOException) {
      return retryable(failure.getClass().getSimpleName() + ": " + failure.getMessage(), null, failure);
    }
    return permanent("unexpected " + failure.getClass().getName() + ": " + failure.getMessage(), failure);
  }
}
