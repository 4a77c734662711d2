package io.tracebridge.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoredUsage;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Billing whole after a crash, without processes: a writer store talks to DynamoDB Local through
 * a {@link FaultInjectingDynamoDbProxy} that plays the writer's death at its nth write, on either
 * side of it (the write lands and its answer is lost, or it never lands), after which nothing of
 * that writer reaches the table and nobody exports again. A store started afterwards (its start-up
 * {@link UsageRepair} pass) must leave the aggregates equal to the usage of the records stored,
 * per trace and per agent, exactly. Every write boundary of the scenario is tried in turn: record
 * puts, summary updates, the usage transactions (first counts, a move of re-attributed calls with
 * changed usage, agent-level totals taken back by a call) and a removal.
 */
class UsageAfterCrashIT {
  private static final String TABLE = "crash-records";
  private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
  /** One worker, so that the nth write is the same write in every run; no scheduled repairs. */
  private static final DynamoDbStoreConfig CONFIG = DynamoDbStoreConfig.builder()
      .tableName(TABLE).writeThreads(1).maxRetries(1)
      .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2))
      .usageRepairInterval(Duration.ZERO).build();

  private static DynamoDbLocalServer dynamoDbLocal;
  private static FaultInjectingDynamoDbProxy proxy;
  private static DynamoDbClient direct;
  private static DynamoDbClient throughProxy;
  /** Stores phase 1 of every run: a node that stays up. */
  private static DynamoDbTraceStore healthy;

  @BeforeAll
  static void start() throws Exception {
    dynamoDbLocal = DynamoDbLocalServer.start();
    proxy = FaultInjectingDynamoDbProxy.start(dynamoDbLocal.endpoint());
    direct = DynamoDbLocalServer.client(dynamoDbLocal.endpoint());
    throughProxy = DynamoDbLocalServer.client(proxy.endpoint());
    healthy = DynamoDbTraceStore.create(direct, CONFIG);
  }

  @AfterAll
  static void stop() throws Exception {
    await(healthy.shutdown());
    throughProxy.close();
    direct.close();
    proxy.close();
    dynamoDbLocal.close();
  }

  @Test
  void billingEqualsTheStoredModelCallsWhateverWriteTheWriterDiedAt() throws Exception {
    int writes = run(0, false).writes();
    assertThat(writes).as("write boundaries in the scenario").isGreaterThan(10);

    int repairedRuns = 0;
    for (int n = 1; n <= writes; n++) {
      for (boolean forwardIt : new boolean[] {false, true}) {
        Outcome outcome = run(n, forwardIt);
        String point = "death at write " + n + (forwardIt ? ", after it landed" : ", before it landed");
        assertThat(outcome.crashed()).as(point).isTrue();
        outcome.assertBillingEqualsStoredCalls(point);
        if (outcome.repaired() > 0) {
          repairedRuns++;
        }
      }
    }
    assertThat(repairedRuns).as("kill points that left stored calls uncounted, counted by the repair")
        .isGreaterThan(writes / 2);
  }

  @Test
  void aNodeStillRunningCountsWhatADeadNodeLeftOnItsNextScheduledPass() throws Exception {
    DynamoDbTraceStore survivor = DynamoDbTraceStore.create(direct, CONFIG.toBuilder()
        .usageRepairInterval(Duration.ofMillis(200)).usageRepairGrace(Duration.ZERO).build());
    try {
      Scenario s = new Scenario(RecordFixtures.newTenant());
      Outcome dead = die(s, "PutItem", 2, survivor);
      assertThat(dead.crashed()).isTrue();

      // The dying writer's chunks (one per trace) run in parallel, so a scheduled pass can run
      // between two of its writes and count only some marks; wait until the marks of this
      // tenant are gone (a count removes its record's mark in the same transaction), which a
      // later pass brings about, whatever the interleaving.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!dead.marksLeft().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(survivor.usageRepair().repaired()).as("the survivor's passes counted the dead node's calls")
          .isPositive();
      dead.assertBillingEqualsStoredCalls("a node died after two record puts; another is still up");
    } finally {
      await(survivor.shutdown());
    }
  }

  @Test
  void aScheduledPassLeavesYoungMarksToTheirWriterAndAReadOnlyStoreNone() throws Exception {
    Scenario s = new Scenario(RecordFixtures.newTenant());
    Outcome dead = die(s, "PutItem", 1, healthy);
    assertThat(dead.crashed()).isTrue();
    DynamoDbTraceStore readOnly = DynamoDbTraceStore.create(direct, CONFIG.toBuilder().repairUsage(false).build());
    await(readOnly.shutdown());
    assertThat(readOnly.usageRepair().repaired()).as("a store that may not write repairs nothing").isZero();
    UsageRepair repair = new UsageRepair(healthy, direct, TABLE, java.time.Clock.systemUTC());

    assertThat(repair.run(Duration.ofHours(1))).as("a mark younger than the grace is left alone").isZero();
    assertThat(repair.run(Duration.ZERO)).as("then counted by a pass without grace").isEqualTo(1);
    dead.assertBillingEqualsStoredCalls("a node died after one record put");
  }

  /**
   * Phase 1 stored by the healthy node, then phase 2 through a writer dying at the {@code n}th
   * {@code operation} (after it landed); the outcome is read through {@code reader}.
   */
  private Outcome die(Scenario s, String operation, int n, DynamoDbTraceStore reader) throws Exception {
    await(healthy.accept(s.phase1()));
    DynamoDbTraceStore writer = DynamoDbTraceStore.create(throughProxy, CONFIG);
    proxy.reset();
    proxy.crashAt(operation, body -> body.path("Item").has("usage"), n, true, () -> { });
    try {
      await(writer.accept(s.phase2()));
    } catch (AssertionError expectedOnceDead) {
      assertThat(proxy.crashed()).as("only a dead writer fails: " + expectedOnceDead).isTrue();
    }
    boolean crashed = proxy.crashed();
    await(writer.shutdown());
    proxy.reset();
    return new Outcome(s.tenant, s, reader, 0, crashed, 0, false);
  }

  /**
   * The scenario with the writer dying at write {@code crashAt} (0: never), then a restart:
   * phase 1 stored and counted in full; phase 2 through the dying writer.
   */
  private Outcome run(int crashAt, boolean forwardIt) throws Exception {
    String tenant = RecordFixtures.newTenant();
    Scenario s = new Scenario(tenant);
    await(healthy.accept(s.phase1()));

    DynamoDbTraceStore writer = DynamoDbTraceStore.create(throughProxy, CONFIG);
    proxy.reset();
    if (crashAt > 0) {
      proxy.crashAtWrite(crashAt, forwardIt, () -> { });
    }
    try {
      await(writer.accept(s.phase2()));
      await(writer.remove(tenant, s.t2, List.of(s.removed.recordId())));
    } catch (AssertionError expectedOnceDead) {
      assertThat(proxy.crashed()).as("only a dead writer fails: " + expectedOnceDead).isTrue();
    }
    int writes = proxy.writes();
    boolean crashed = proxy.crashed();
    await(writer.shutdown());
    proxy.reset();

    DynamoDbTraceStore restarted = DynamoDbTraceStore.create(direct, CONFIG);
    return new Outcome(tenant, s, restarted, writes, crashed, restarted.usageRepair().repaired(), true);
  }

  /** The records: four traces whose counting covers first counts, moves and agent-level totals. */
  private static final class Scenario {
    final String tenant;
    final String t1 = RecordFixtures.newTraceId();
    final String t2 = RecordFixtures.newTraceId();
    final String t3 = RecordFixtures.newTraceId();
    final String t4 = RecordFixtures.newTraceId();
    final List<FunctionalRecord> early = new ArrayList<>();
    final FunctionalRecord totalBeforeCall;
    FunctionalRecord removed;

    Scenario(String tenant) {
      this.tenant = tenant;
      for (int i = 0; i < 4; i++) {
        early.add(call(t1, i, null, Usage.of(100 + i, 10 + i))); // agent unknown yet
      }
      totalBeforeCall = total(t4, "planner", Usage.of(5_000, 500));
    }

    List<FunctionalRecord> phase1() {
      List<FunctionalRecord> all = new ArrayList<>(early);
      all.add(totalBeforeCall);
      return all;
    }

    /** T1 re-attributed (one call with more usage), T2 new calls, T3 a lone total, T4's first call. */
    List<FunctionalRecord> phase2() {
      List<FunctionalRecord> all = new ArrayList<>();
      for (FunctionalRecord r : early) {
        FunctionalRecord.Builder b = r.toBuilder().agentId("planner").sessionId("s-1");
        if (r == early.get(0)) {
          b.usage(Usage.of(7_882, 1_027));
        }
        all.add(b.build());
      }
      for (int i = 0; i < 3; i++) {
        all.add(call(t2, i, "coder", Usage.of(200 + i, 20 + i)));
      }
      removed = all.get(all.size() - 1);
      all.add(total(t3, "coder", Usage.of(300, 30)));
      all.add(call(t4, 1, "planner", Usage.of(120, 12)));
      return all;
    }

    List<String> traces() {
      return List.of(t1, t2, t3, t4);
    }

    private FunctionalRecord call(String traceId, int step, String agent, Usage usage) {
      return RecordFixtures.minimal(tenant, traceId, step, RecordFixtures.BASE_TIME.plusSeconds(step))
          .agentId(agent).model("gpt-4o").usage(usage).build();
    }

    private FunctionalRecord total(String traceId, String agent, Usage usage) {
      return RecordFixtures.minimal(tenant, traceId, 99, RecordFixtures.BASE_TIME.plusSeconds(60))
          .type(RecordType.RESPONSE).agentId(agent).model("gpt-4o").totalUsage(usage).build();
    }
  }

  /** What a run left; {@code ownsStore}: the store was started for it, and is shut down after. */
  private record Outcome(String tenant, Scenario scenario, DynamoDbTraceStore store, int writes,
      boolean crashed, long repaired, boolean ownsStore) {

    /** Per trace and per agent, the aggregates equal what the stored records contribute. */
    void assertBillingEqualsStoredCalls(String point) throws Exception {
      try {
        Map<String, Usage> byAgent = new HashMap<>();
        for (String traceId : scenario.traces()) {
          List<FunctionalRecord> stored = await(store.findByTrace(tenant, traceId));
          assertThat(billed(UsageKind.TRACE).getOrDefault(traceId, Usage.ZERO))
              .as(point + ": trace " + traceId + " billed as its stored records")
              .isEqualTo(TraceUsage.total(stored));
          StoredUsage.byAgent(stored).forEach((agent, u) -> byAgent.merge(agent, u, Usage::plus));
        }
        assertThat(billed(UsageKind.AGENT)).as(point + ": per agent").isEqualTo(byAgent);
        assertThat(marksLeft()).as(point + ": no record left marked uncounted").isEmpty();
      } finally {
        if (ownsStore) {
          await(store.shutdown());
        }
      }
    }

    private Map<String, Usage> billed(UsageKind kind) throws Exception {
      return await(store.usage(tenant, kind, DAY, DAY)).stream()
          .collect(Collectors.toMap(UsageCell::value, UsageCell::usage, Usage::plus));
    }

    /** The tenant's records still in the pending index. */
    private List<String> marksLeft() {
      List<String> left = new ArrayList<>();
      for (int shard = 0; shard < UsageRepair.SHARDS; shard++) {
        int s = shard;
        direct.queryPaginator(b -> b.tableName(TABLE).indexName(UsageRepair.INDEX)
                .keyConditionExpression("#p = :p")
                .expressionAttributeNames(Map.of("#p", UsageRepair.PENDING))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("PENDING#" + s))))
            .items().forEach(item -> {
              if (item.get(DynamoItem.PK).s().contains("#" + tenant + "#")) {
                left.add(item.get(DynamoItem.SK).s());
              }
            });
      }
      return left;
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("store operation failed", e.getCause());
    }
  }
}
