package io.tracebridge.cwimport;

import io.tracebridge.aws.TransportRetryPolicy;
import java.net.URI;
import javax.annotation.Nullable;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.xray.XRayClient;

/**
 * The import's AWS clients, from the SDK's standard environment: region, credentials chain, and
 * endpoints ({@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_CLOUDWATCH_LOGS}, {@code
 * AWS_ENDPOINT_URL_XRAY}, or the profile's). Retries are the SDK's standard strategy through
 * aws-support's one policy ({@link #POLICY}: exponential backoff with jitter, throttling errors such
 * as {@code ThrottlingException} retried), with more attempts than the default: an import is a
 * long, patient reader.
 */
public final class AwsClients {
  /** Attempts per call, the first included. */
  public static final int MAX_ATTEMPTS = 10;
  /** The SDK's standard figures (100 ms base, 20 s cap) with {@link #MAX_ATTEMPTS} attempts. */
  public static final TransportRetryPolicy POLICY = TransportRetryPolicy.SDK_STANDARD.withMaxAttempts(MAX_ATTEMPTS);

  private AwsClients() {}

  static ClientOverrideConfiguration retries() {
    return POLICY.clientOverrideConfiguration();
  }

  /** CloudWatch Logs; {@code endpoint} overrides the environment's (tests), null keeps it. */
  public static CloudWatchLogsClient logs(@Nullable URI endpoint) {
    var b = CloudWatchLogsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(retries());
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    return b.build();
  }

  /** X-Ray; {@code endpoint} overrides the environment's (tests), null keeps it. */
  public static XRayClient xray(@Nullable URI endpoint) {
    var b = XRayClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(retries());
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    return b.build();
  }
}
