package io.tracebridge.app;

import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.tracebridge.web.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real DynamoDB table of a production role: a client that follows the AWS SDK's standard
 * environment ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_PROFILE}, the
 * default credentials chain with container and instance roles), the store over it, and the
 * table probe readiness answers from.
 */
final class StoreAccess {
  /** How long a table probe result is reused: load balancers probe every few seconds. */
  static final Duration PROBE_TTL = Duration.ofSeconds(2);
  /** How long one DescribeTable of a probe may take before the table counts as unreachable. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private StoreAccess() {}

  /**
   * A client from the SDK's default chain, with a pool of connections sized to the store's
   * {@code storeThreads} ({@link DynamoDbTraceStore#httpClientBuilder(int)}: every call in flight
   * on a kept-alive connection). Transport failures are retried by the SDK's standard strategy
   * with the store's attempts and backoff (aws-support's policy, {@link
   * DynamoDbTraceStore#transportRetries()}); the store over it loops only where it decides
   * (conditions, unprocessed items, transaction conflicts), so attempts do not multiply.
   */
  static DynamoDbClient client(int storeThreads) {
    return DynamoDbClient.builder()
        .httpClientBuilder(DynamoDbTraceStore.httpClientBuilder(storeThreads))
        .overrideConfiguration(
            DynamoDbTraceStore.transportRetries().clientOverride(DynamoDbTraceStore.sdkRetries()))
        .build();
  }

  /**
   * The store over {@code client}; blocks while the table is checked (and, if allowed, created).
   * Both client and store are closed by {@code lifecycle}.
   */
  static DynamoDbTraceStore open(DynamoDbClient client, DynamoDbStoreConfig config, Lifecycle lifecycle) {
    lifecycle.add(client);
    DynamoDbTraceStore store = DynamoDbTraceStore.create(client, config);
    lifecycle.add(() -> store.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS));
    return store;
  }

  /**
   * Ready while DescribeTable answers that {@code table} is ACTIVE (within {@link
   * #PROBE_TIMEOUT}); each answer is reused for {@link #PROBE_TTL}, and probes that come while one
   * call is under way share it. The call runs on a worker thread, never on the event loop.
   */
  static Readiness tableProbe(Vertx vertx, DynamoDbClient client, String table) {
    return tableProbe(vertx, client, table, PROBE_TTL);
  }

  /** As above, each answer reused for {@code ttl}. */
  static Readiness tableProbe(Vertx vertx, DynamoDbClient client, String table, Duration ttl) {
    AtomicReference<Probe> last = new AtomicReference<>();
    AtomicReference<Future<List<String>>> running = new AtomicReference<>();
    return () -> {
      Probe p = last.get();
      if (p != null && System.nanoTime() - p.atNanos < ttl.toNanos()) {
        return Future.succeededFuture(p.problems);
      }
      Future<List<String>> underWay = running.get();
      if (underWay != null) {
        return underWay;
      }
      Future<List<String>> call = vertx.<List<String>>executeBlocking(() -> {
            try {
              var status = client.describeTable(b -> b.tableName(table)
                  .overrideConfiguration(o -> o.apiCallTimeout(PROBE_TIMEOUT))).table().tableStatus();
              return status.toString().equals("ACTIVE")
                  ? List.of()
                  : List.of("DynamoDB table '" + table + "' is " + status);
            } catch (RuntimeException e) {
              return List.of("DynamoDB table '" + table + "' unreachable: " + e.getMessage());
            }
          }, false);
      running.set(call);
      call.onSuccess(problems -> last.set(new Probe(System.nanoTime(), problems)))
          .onComplete(done -> running.compareAndSet(call, null));
      return call;
    };
  }

  private record Probe(long atNanos, List<String> problems) {}
}
