package io.tracebridge.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TraceSnapshot;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Two assembly passes (two store instances, two receiver nodes) over one trace on one DynamoDB
 * Local table, writing the same record id with different content at once, each from a snapshot
 * that did not hold it, interleaved deterministically by holding one store's DynamoDB calls at a
 * gate. The pass that holds the trace's write lease writes blind (BatchWriteItem); the other one
 * writes conditionally. Whatever lands last, the stored record ends with the fields of both, and
 * every version stored is heard once.
 */
class ConcurrentPassesIT {
  private static final String TABLE = "concurrent-passes";
  private static AmazonDynamoDBLocal local;

  private final String tenant = RecordFixtures.newTenant();
  private final List<DynamoDbTraceStore> stores = new ArrayList<>();
  private final List<StoredRecord> heard = new CopyOnWriteArrayList<>();

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

  @Test
  void aBlindWriteLandingOverAConditionalOneIsMergedBackByTheOtherPass() throws Exception {
    Gate gate = new Gate("batchWriteItem");
    DynamoDbTraceStore a = newStore(gate.over(local.dynamoDbClient()));
    DynamoDbTraceStore b = newStore(local.dynamoDbClient());
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord base = RecordFixtures.minimal(tenant, traceId, 0, RecordFixtures.BASE_TIME)
        .type(RecordType.MODEL_REQUEST).build();
    FunctionalRecord fromA = base.toBuilder().text("the prompt, as node A has it").build();
    FunctionalRecord fromB = base.toBuilder().model("gpt-4o").agentName("planner").build();

    TraceSnapshot seenByA = await(a.snapshot(tenant, traceId));
    TraceSnapshot seenByB = await(b.snapshot(tenant, traceId));
    assertThat(seenByA.records()).isEmpty();
    assertThat(seenByB.records()).isEmpty();

    // A claims the lease and its blind write waits at the gate, not landed.
    CompletableFuture<Void> writeA = a.write(a, seenByA, List.of(fromA)).toCompletableFuture();
    gate.awaitArrival();
    // B cannot have the lease: it writes conditionally, and lands first.
    await(b.write(b, seenByB, List.of(fromB)));
    assertThat(stored(b, traceId)).isEqualTo(fromB);
    assertThat(await(b.finishPass(tenant, traceId, seenByB)))
        .as("B may not end while A holds the lease: A's blind write may still land over B's")
        .isFalse();

    gate.open(); // A's blind write lands over B's record
    await(writeA);
    assertThat(stored(a, traceId)).as("B's fields are gone from the table for now").isEqualTo(fromA);
    assertThat(await(a.finishPass(tenant, traceId, seenByA)))
        .as("B's pass ended since A's snapshot: A runs again too").isFalse();
    TraceSnapshot againA = await(a.snapshot(tenant, traceId));
    assertThat(againA.records()).as("A's run again finds its record as it is: nothing to write")
        .containsExactly(fromA);
    assertThat(a.settled(againA)).as("and no lease held: it may end without a finish").isTrue();

    // B runs its pass again, as the filler does: a conditional merge over what A wrote.
    TraceSnapshot again = await(b.snapshot(tenant, traceId));
    assertThat(b.settled(again)).isTrue();
    await(b.write(b, again, List.of(fromB)));
    assertThat(await(b.finishPass(tenant, traceId, again))).isTrue();

    FunctionalRecord end = stored(a, traceId);
    assertThat(end.text()).isEqualTo(fromA.text());
    assertThat(end.model()).isEqualTo("gpt-4o");
    assertThat(end.agentName()).isEqualTo("planner");
    assertThat(heard).extracting(StoredRecord::seq).doesNotHaveDuplicates();
    assertThat(heard).extracting(StoredRecord::record).containsExactly(fromB, fromA, end);
  }

  @Test
  void aConditionalWriteAfterTheBlindOneMergesIntoIt() throws Exception {
    DynamoDbTraceStore a = newStore(local.dynamoDbClient());
    DynamoDbTraceStore b = newStore(local.dynamoDbClient());
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord base = RecordFixtures.minimal(tenant, traceId, 0, RecordFixtures.BASE_TIME)
        .type(RecordType.MODEL_REQUEST).build();
    FunctionalRecord fromA = base.toBuilder().text("the prompt").build();
    FunctionalRecord fromB = base.toBuilder().model("gpt-4o").build();

    TraceSnapshot seenByA = await(a.snapshot(tenant, traceId));
    TraceSnapshot seenByB = await(b.snapshot(tenant, traceId));
    await(a.write(a, seenByA, List.of(fromA))); // lease, blind write
    await(b.write(b, seenByB, List.of(fromB))); // no lease: attribute_not_exists fails, merges

    FunctionalRecord end = stored(a, traceId);
    assertThat(end.text()).isEqualTo("the prompt");
    assertThat(end.model()).isEqualTo("gpt-4o");
    assertThat(await(b.finishPass(tenant, traceId, seenByB))).as("A still holds the lease").isFalse();
    assertThat(await(a.finishPass(tenant, traceId, seenByA))).as("B finished since A's snapshot").isFalse();
    TraceSnapshot after = await(b.snapshot(tenant, traceId));
    assertThat(b.settled(after)).as("A released its lease as it finished").isTrue();
    assertThat(heard).extracting(StoredRecord::record).containsExactly(fromA, end);
  }

  private DynamoDbTraceStore newStore(DynamoDbClient client) {
    DynamoDbTraceStore store = DynamoDbTraceStore.create(
        client, DynamoDbStoreConfig.builder().tableName(TABLE).build());
    store.addListener(heard::addAll);
    stores.add(store);
    return store;
  }

  private FunctionalRecord stored(DynamoDbTraceStore store, String traceId) throws Exception {
    List<FunctionalRecord> records = await(store.findByTrace(tenant, traceId));
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Holds the first call of one operation (a client method name) until opened. */
  private static final class Gate {
    private final String operation;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);

    Gate(String operation) {
      this.operation = operation;
    }

    DynamoDbClient over(DynamoDbClient delegate) {
      InvocationHandler handler = (proxy, method, args) -> {
        if (args != null && args.length == 1 && args[0] instanceof Consumer<?>) {
          return InvocationHandler.invokeDefault(proxy, method, args);
        }
        if (method.getName().equals(operation) && arrived.getCount() > 0) {
          arrived.countDown();
          if (!open.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate never opened");
          }
        }
        try {
          return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      };
      return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
          new Class<?>[] {DynamoDbClient.class}, handler);
    }

    void awaitArrival() throws InterruptedException {
      if (!arrived.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no " + operation + " arrived");
      }
    }

    void open() {
      open.countDown();
    }
  }
}
