package io.tracebridge.store.dynamodb;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When {@link UsageRepair} passes run: one at start-up ({@link #runNow}, any age), then one every
 * {@link DynamoDbStoreConfig#usageRepairInterval()} for marks older than {@link
 * DynamoDbStoreConfig#usageRepairGrace()}, each submitted from a timer thread
 * ({@code tracebridge-usage-repair-N}) to the store's pool. A failed pass is logged and counted;
 * the next one tries again.
 */
final class RepairSchedule {
  private static final Logger LOG = LoggerFactory.getLogger("io.tracebridge.store.dynamodb.DynamoDbTraceStore");

  private final UsageRepair repair;
  private final StoreExecutor executor;
  private final DynamoDbStoreStats stats;
  private final ScheduledExecutorService timer;

  RepairSchedule(UsageRepair repair, StoreExecutor executor, DynamoDbStoreStats stats) {
    this.repair = repair;
    this.executor = executor;
    this.stats = stats;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tracebridge-usage-repair-" + executor.poolId());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * One pass over the records stored with their usage not yet counted and older than {@code
   * grace}; blocks. A failure is logged, not thrown.
   */
  int runNow(Duration grace) {
    try {
      int counted = repair.run(grace);
      if (counted > 0) {
        LOG.info("Counted the usage of {} record(s) a writer had stored without counting it", counted);
      }
      return counted;
    } catch (RuntimeException e) {
      stats.repairFailures.incrementAndGet();
      LOG.warn("Usage repair pass failed; the next one tries again", e);
      return 0;
    }
  }

  /** Starts the passes every {@code interval} (not zero) for marks older than {@code grace}. */
  void every(Duration interval, Duration grace) {
    long every = interval.toMillis();
    timer.scheduleWithFixedDelay(
        () -> executor.submit("Query", () -> runNow(grace)), every, every, TimeUnit.MILLISECONDS);
  }

  void stop() {
    timer.shutdownNow();
  }
}
