package io.tracebridge.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tracebridge.store.dynamodb.DynamoDbStoreStats;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;

/**
 * Binds the DynamoDB store's own counters ({@link DynamoDbStoreStats}: records written,
 * conditional conflicts, retries, re-stamps, write leases, usage transactions, ledger repairs …)
 * to the process's registry as function counters, {@code tracebridge_store_<name>_total}, plus
 * the retries the AWS SDK made for the store's client ({@code tracebridge_store_sdk_retries_total}).
 * The names come from {@link DynamoDbStoreStats#asMap()}, so a counter added there shows here.
 */
final class StoreMetrics {
  private StoreMetrics() {}

  static void bind(DynamoDbTraceStore store, MeterRegistry registry) {
    DynamoDbStoreStats stats = store.stats();
    for (String name : stats.asMap().keySet()) {
      FunctionCounter.builder("tracebridge.store." + name, stats, s -> s.asMap().get(name))
          .description("DynamoDB store: " + name.replace('.', ' '))
          .register(registry);
    }
    FunctionCounter.builder("tracebridge.store.sdk.retries", DynamoDbTraceStore.sdkRetries(), r -> r.retries())
        .description("DynamoDB store: retries the AWS SDK made (transport failures, throttling)")
        .register(registry);
  }
}
