package io.tracebridge.store.dynamodb;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** The production DynamoDB client ({@link DynamoDbTraceStore#defaultClient}) and its HTTP client. */
final class ClientFactory {
  /** Connections beyond the store threads: the repair timer, a readiness probe on the same client. */
  private static final int SPARE_CONNECTIONS = 4;

  private ClientFactory() {}

  static DynamoDbClient defaultClient(Optional<URI> endpointOverride, String region, int storeThreads) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClientBuilder(httpClientBuilder(storeThreads))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            // The store retries with its own backoff (retrying); SDK retries beneath it would
            // multiply the attempts per call.
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
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
}
