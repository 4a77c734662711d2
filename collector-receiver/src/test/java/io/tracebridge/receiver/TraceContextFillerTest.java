package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceReader;
import io.tracebridge.store.memory.InMemoryTraceStore;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TraceContextFillerTest {
  private static final Instant T0 = RecordFixtures.BASE_TIME;

  private final String tenant = RecordFixtures.newTenant();
  private final String traceId = RecordFixtures.newTraceId();
  private final InMemoryTraceStore store = new InMemoryTraceStore();

  private FunctionalRecord child(int step) {
    return RecordFixtures.minimal(tenant, traceId, step, T0.plusMillis(step)).build();
  }

  private FunctionalRecord root(int step) {
    return RecordFixtures.minimal(tenant, traceId, step, T0.plusMillis(step))
        .sessionId("session-1").agentId("agent-1").agentName("Travel agent").build();
  }

  private static void await(CompletionStage<Void> stage) throws Exception {
    stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private List<FunctionalRecord> stored() throws Exception {
    return store.findByTrace(tenant, traceId).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void childrenStoredBeforeTheRootAreRewrittenWithItsContextNeverDuplicated() throws Exception {
    TraceContextFiller filler = new TraceContextFiller(store);
    await(filler.accept(List.of(child(1), child(2))));
    assertThat(stored()).extracting(FunctionalRecord::sessionId).containsOnlyNulls();

    await(filler.accept(List.of(root(0))));

    assertThat(stored()).hasSize(3).allSatisfy(r -> {
      assertThat(r.sessionId()).isEqualTo("session-1");
      assertThat(r.agentId()).isEqualTo("agent-1");
      assertThat(r.agentName()).isEqualTo("Travel agent");
    });
    assertThat(filler.readBacks()).isEqualTo(1);
    assertThat(filler.rewritten()).isEqualTo(2);
  }

  @Test
  void aChildAfterTheRootIsFilledFromTheCacheWithoutAReadBack() throws Exception {
    TraceContextFiller filler = new TraceContextFiller(store);
    await(filler.accept(List.of(root(0))));
    long readsAfterRoot = filler.readBacks();

    await(filler.accept(List.of(child(1))));

    assertThat(filler.readBacks()).isEqualTo(readsAfterRoot);
    assertThat(stored()).hasSize(2)
        .allSatisfy(r -> assertThat(r.sessionId()).isEqualTo("session-1"));
  }

  @Test
  void aRecordKeepsItsOwnValuesAndOtherTracesAndTenantsAreUntouched() throws Exception {
    TraceContextFiller filler = new TraceContextFiller(store);
    FunctionalRecord subAgent = child(1).toBuilder().agentName("Sub agent").build();
    String otherTenant = RecordFixtures.newTenant();
    FunctionalRecord sameTraceOtherTenant =
        RecordFixtures.minimal(otherTenant, traceId, 5, T0).build();
    await(filler.accept(List.of(subAgent, sameTraceOtherTenant)));

    await(filler.accept(List.of(root(0))));

    assertThat(stored()).filteredOn(r -> r.recordId().equals(subAgent.recordId()))
        .singleElement().satisfies(r -> {
          assertThat(r.agentName()).isEqualTo("Sub agent");
          assertThat(r.sessionId()).isEqualTo("session-1");
        });
    assertThat(store.findByTrace(otherTenant, traceId).toCompletableFuture().get())
        .singleElement().satisfies(r -> assertThat(r.sessionId()).isNull());
  }

  @Test
  void theCacheIsBoundedAndAnEvictedTraceIsStillFilledFromTheStore() throws Exception {
    TraceContextFiller filler = new TraceContextFiller(store, store, 2);
    await(filler.accept(List.of(child(1))));
    for (int i = 0; i < 5; i++) {
      await(filler.accept(List.of(RecordFixtures.minimal(
          tenant, RecordFixtures.newTraceId(), 0, T0).sessionId("s" + i).build())));
    }
    assertThat(filler.cachedTraces()).isEqualTo(2);

    await(filler.accept(List.of(root(0))));

    assertThat(stored()).hasSize(2)
        .allSatisfy(r -> assertThat(r.sessionId()).isEqualTo("session-1"));
  }

  @Test
  void aFailedReadBackFailsTheExportAndTheRetryFinishesTheFill() throws Exception {
    AtomicBoolean readFails = new AtomicBoolean(true);
    // A proxy, so that the test does not break when TraceReader gains query methods.
    TraceReader flaky = (TraceReader) Proxy.newProxyInstance(
        TraceReader.class.getClassLoader(), new Class<?>[] {TraceReader.class},
        (proxy, method, args) -> {
          if (method.getName().equals("findByTrace") && readFails.get()) {
            return CompletableFuture.failedFuture(new StoreException("throttled", true));
          }
          return method.invoke(store, args);
        });
    TraceContextFiller filler = new TraceContextFiller(store, flaky, 100);
    await(filler.accept(List.of(child(1))));

    List<FunctionalRecord> rootBatch = List.of(root(0));
    assertThatThrownBy(() -> await(filler.accept(rootBatch)))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(StoreException.class);
    readFails.set(false);
    await(filler.accept(rootBatch)); // the sender's retry

    assertThat(stored()).hasSize(2)
        .allSatisfy(r -> assertThat(r.sessionId()).isEqualTo("session-1"));
  }
}
