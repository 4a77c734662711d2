package io.tracebridge.store.dynamodb;

import io.tracebridge.aws.RetryCounter;
import io.tracebridge.aws.TransportRetryPolicy;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The production DynamoDB client ({@link DynamoDbTraceStore#defaultClient}): Apache HttpClient 5
 * and aws-support's one retry policy ({@link TransportRetryPolicy}: the SDK's standard strategy,
 * with the store's attempts and backoff) for transport failures, counted by {@link #SDK_RETRIES}.
 */
final class ClientFactory {
  /** Connections beyond the store threads: the repair timer, a readiness probe on the same client. */
  private static final int SPARE_CONNECTIONS = 4;
  /** Retries the SDK made on clients built with {@link #policy} here (process-wide). */
  static final RetryCounter SDK_RETRIES = new RetryCounter();

  private ClientFactory() {}

  /** The policy of {@code config}: {@code maxRetries + 1} attempts, its initial and maximal backoff. */
  static TransportRetryPolicy policy(DynamoDbStoreConfig config) {
    return new TransportRetryPolicy(config.maxRetries() + 1, config.initialBackoff(), config.maxBackoff());
  }

  static DynamoDbClient defaultClient(Optional<URI> endpointOverride, String region, int storeThreads) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClientBuilder(httpClientBuilder(storeThreads))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .overrideConfiguration(policy(DynamoDbStoreConfig.defaults()).clientOverride(SDK_RETRIES))
            .region(Region.of(region));
    endpointOverride.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  static Apache5HttpClient.Builder httpClientBuilder(int storeThreads) {
    if (storeThreads < 1) {
      throw new IllegalArgumentException("storeThreads must be at least 1: " + storeThreads);
    }
    return Apache5HttpClient.builder().maxConnections(storeThreads + SPARE_CONNECTIONS);
  }

  /**
   * Whether {@code client} retries transport failures itself: its retry strategy makes more than
   * one attempt, or it has none set (the SDK's default then retries). False for a client with
   * retries off ({@code AwsRetryStrategy.doNotRetry()}) and for a client that does not describe
   * its configuration (DynamoDB Local's in-process client): the store retries for those.
   */
  static boolean retriesTransport(DynamoDbClient client) {
    try {
      return client.serviceClientConfiguration().overrideConfiguration().retryStrategy()
          .map(strategy -> strategy.maxAttempts() > 1)
          .orElse(true);
    } catch (RuntimeException notDescribed) {
      return false;
    }
  }
}
