package io.tracebridge.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link UsageLedger} on DynamoDB Local: one transaction per chunk, none for a re-export, and
 * exact totals when two stores (two receiver nodes) race on the same records.
 */
class UsageLedgerIT {
  private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
  private static AmazonDynamoDBLocal local;

  private final String tenant = RecordFixtures.newTenant();
  private final List<DynamoDbTraceStore> stores = new ArrayList<>();

  @BeforeAll
  static void startDynamoDbLocal() {
    local = DynamoDBEmbedded.create(true); // true disables telemetry
  }

  @AfterAll
  static void stopDynamoDbLocal() {
    local.shutdown();
  }

  @AfterEach
  void shutdownStores() throws Exception {
    for (DynamoDbTraceStore store : stores) {
      store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private DynamoDbTraceStore newStore() {
    DynamoDbTraceStore store = DynamoDbTraceStore.create(
        local.dynamoDbClient(), DynamoDbStoreConfig.builder().tableName("ledger-records").build());
    stores.add(store);
    return store;
  }

  @Test
  void aChunkOfCallsIsOneTransactionAndItsReExportIsNone() {
    DynamoDbTraceStore store = newStore();
    String traceId = RecordFixtures.newTraceId();
    List<FunctionalRecord> calls = new ArrayList<>();
    Usage expected = Usage.ZERO;
    for (int i = 0; i < DynamoDbTraceStore.MAX_BATCH_ITEMS; i++) {
      Usage u = new Usage(100 + i, 10 + i, i, 1, 2);
      expected = expected.plus(u);
      calls.add(call(traceId, i, i % 2 == 0 ? "gpt-4o" : "anthropic.claude-3-5-sonnet", u));
    }

    await(store.accept(calls));
    assertThat(store.usageLedger().transactions()).isEqualTo(1);
    assertThat(total(store)).isEqualTo(expected);

    await(store.accept(calls));
    assertThat(store.usageLedger().transactions()).as("a re-export reads the markers, writes nothing")
        .isEqualTo(1);
    assertThat(store.usageLedger().alreadyCounted()).isEqualTo(calls.size());
    assertThat(total(store)).isEqualTo(expected);
    assertThat(await(store.usage(tenant, UsageKind.TENANT, DAY, DAY)))
        .extracting(UsageCell::model).containsExactlyInAnyOrder("gpt-4o", "anthropic.claude-3-5-sonnet");
  }

  @Test
  void anAgentLevelTotalInTheSameChunkAsCallsNeverAddsToThem() {
    DynamoDbTraceStore store = newStore();
    Usage first = Usage.of(120, 12);
    Usage second = Usage.of(80, 8);
    // The total between the calls: counted alone first, then taken back by the second call.
    String traceId = RecordFixtures.newTraceId();
    await(store.accept(List.of(
        call(traceId, 1, "gpt-4o", first), agentTotal(traceId, Usage.of(5_000, 500)), call(traceId, 2, "gpt-4o", second))));
    assertThat(total(store)).isEqualTo(first.plus(second));

    // The total first: the first call takes it back.
    String other = RecordFixtures.newTraceId();
    await(store.accept(List.of(agentTotal(other, Usage.of(7_000, 700)), call(other, 1, "gpt-4o", first))));
    assertThat(total(store)).isEqualTo(first.plus(second).plus(first));

    // A trace with only its total counts the total.
    String alone = RecordFixtures.newTraceId();
    await(store.accept(List.of(agentTotal(alone, Usage.of(300, 30)))));
    assertThat(total(store)).isEqualTo(first.plus(second).plus(first).plus(Usage.of(300, 30)));
  }

  @Test
  void twoStoresRacingOnTheSameRecordsCountEachCallOnce() {
    DynamoDbTraceStore a = newStore();
    DynamoDbTraceStore b = newStore();
    Random random = new Random(11);
    List<FunctionalRecord> all = new ArrayList<>();
    Usage expected = Usage.ZERO;
    for (int t = 0; t < 6; t++) {
      String traceId = RecordFixtures.newTraceId();
      for (int i = 0; i < 20; i++) {
        Usage u = new Usage(1 + random.nextInt(1000), 1 + random.nextInt(100), 0, 0, 0);
        expected = expected.plus(u);
        all.add(call(traceId, i, "gpt-4o", u));
      }
      all.add(agentTotal(traceId, Usage.of(1_000_000, 1_000_000)));
    }
    for (int round = 0; round < 3; round++) {
      List<FunctionalRecord> forA = new ArrayList<>(all);
      List<FunctionalRecord> forB = new ArrayList<>(all);
      Collections.shuffle(forA, random);
      Collections.shuffle(forB, random);
      CompletableFuture<Void> sentA = a.accept(forA).toCompletableFuture();
      CompletableFuture<Void> sentB = b.accept(forB).toCompletableFuture();
      await(sentA);
      await(sentB);
    }

    assertThat(total(a)).isEqualTo(expected);
    assertThat(total(b)).isEqualTo(expected);
    long calls = all.stream().filter(r -> r.type() == RecordType.MODEL_RESPONSE).count();
    // Every call counted by exactly one store; every other sighting (6 in all) found it counted.
    assertThat(a.usageLedger().alreadyCounted() + b.usageLedger().alreadyCounted())
        .isGreaterThanOrEqualTo(5 * calls);
  }

  @Test
  void aMoveRacedByTwoStoresIsAppliedOnceAndEndsUnderTheNewAgent() {
    DynamoDbTraceStore a = newStore();
    DynamoDbTraceStore b = newStore();
    String traceId = RecordFixtures.newTraceId();
    List<FunctionalRecord> early = new ArrayList<>();
    Usage expected = Usage.ZERO;
    for (int i = 0; i < 20; i++) {
      Usage u = new Usage(100 + i, 10, i, 2, 1);
      expected = expected.plus(u);
      early.add(RecordFixtures.minimal(tenant, traceId, i, RecordFixtures.BASE_TIME.plusSeconds(i))
          .model("gpt-5").usage(u).build()); // no agent yet: counted under (unknown)
    }
    await(a.accept(early));
    List<FunctionalRecord> attributed = early.stream()
        .map(r -> r.toBuilder().agentId("planner").sessionId("s-9").build()).toList();

    List<FunctionalRecord> reversed = new ArrayList<>(attributed);
    Collections.reverse(reversed);
    CompletableFuture<Void> byA = a.accept(attributed).toCompletableFuture();
    CompletableFuture<Void> byB = b.accept(reversed).toCompletableFuture();
    await(byA);
    await(byB);
    await(b.accept(attributed)); // a retry after both

    assertThat(byValue(a, UsageKind.AGENT)).isEqualTo(java.util.Map.of("planner", expected));
    assertThat(byValue(a, UsageKind.SESSION)).isEqualTo(java.util.Map.of("s-9", expected));
    assertThat(total(b)).isEqualTo(expected);
    assertThat(a.usageLedger().moved() + b.usageLedger().moved()).as("each call moved once").isEqualTo(20);
  }

  private java.util.Map<String, Usage> byValue(DynamoDbTraceStore store, UsageKind kind) {
    return await(store.usage(tenant, kind, DAY, DAY)).stream().collect(
        java.util.stream.Collectors.toMap(UsageCell::value, UsageCell::usage, Usage::plus));
  }

  private FunctionalRecord call(String traceId, int step, String model, Usage usage) {
    return RecordFixtures.minimal(tenant, traceId, step, RecordFixtures.BASE_TIME.plusSeconds(step))
        .agentId("ledger-agent").model(model).usage(usage).build();
  }

  private FunctionalRecord agentTotal(String traceId, Usage usage) {
    return RecordFixtures.minimal(tenant, traceId, 99, RecordFixtures.BASE_TIME.plusSeconds(60))
        .type(RecordType.RESPONSE).agentId("ledger-agent").model("gpt-4o").totalUsage(usage).build();
  }

  private Usage total(DynamoDbTraceStore store) {
    return await(store.usage(tenant, UsageKind.TENANT, DAY, DAY)).stream()
        .map(UsageCell::usage).reduce(Usage.ZERO, Usage::plus);
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
