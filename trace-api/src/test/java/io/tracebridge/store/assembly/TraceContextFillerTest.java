package io.tracebridge.store.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceAssemblyStore;
import io.tracebridge.store.TraceSnapshot;
import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.memory.InMemoryTraceStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link TraceContextFiller} over the in-memory store: attribution by the span tree across
 * exports, usage moving with it, the pass protocol. The two-node race on DynamoDB Local is
 * {@code TraceAssemblyIT}.
 */
class TraceContextFillerTest {
  private static final Instant T0 = RecordFixtures.BASE_TIME;
  private static final LocalDate DAY = LocalDate.of(2026, 3, 1);

  private final String tenant = RecordFixtures.newTenant();
  private final String traceId = RecordFixtures.newTraceId();
  private final InMemoryTraceStore store = new InMemoryTraceStore();

  // outer invoke_agent -> cycle -> chat ; cycle -> execute_tool -> inner invoke_agent -> chat
  private final SpanNode outer = new SpanNode(traceId, "0000000000000a01", null, "planner-id", "planner", "s-1");
  private final SpanNode cycle = new SpanNode(traceId, "0000000000000a02", outer.spanId(), null, null, null);
  private final SpanNode chat = new SpanNode(traceId, "0000000000000a03", cycle.spanId(), null, null, null);
  private final SpanNode tool = new SpanNode(traceId, "0000000000000a04", cycle.spanId(), null, null, null);
  private final SpanNode inner = new SpanNode(traceId, "0000000000000a05", tool.spanId(), "researcher-id", "researcher", null);
  private final SpanNode innerChat = new SpanNode(traceId, "0000000000000a06", inner.spanId(), null, null, null);

  private FunctionalRecord call(SpanNode span, Usage usage) {
    return record(span, RecordType.MODEL_RESPONSE).model("m").usage(usage).build();
  }

  private FunctionalRecord.Builder record(SpanNode span, RecordType type) {
    return FunctionalRecord.builder().tenant(tenant).traceId(traceId).spanId(span.spanId())
        .parentSpanId(span.parentSpanId()).recordId(RecordIds.of(traceId, span.spanId(), type.name()))
        .type(type).timestamp(T0).dialect(io.tracebridge.mapper.Dialect.STRANDS);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Map<String, Usage> billed(UsageKind kind) throws Exception {
    return await(store.usage(tenant, kind, DAY, DAY)).stream()
        .collect(Collectors.toMap(UsageCell::value, UsageCell::usage, Usage::plus));
  }

  private Map<String, String> agentBySpan() throws Exception {
    return await(store.findByTrace(tenant, traceId)).stream()
        .collect(Collectors.toMap(FunctionalRecord::spanId, r -> String.valueOf(r.agentId()), (a, b) -> a));
  }

  @Test
  void childrenExportedBeforeTheirAgentAreReattributedAndTheirUsageMoves() throws Exception {
    TraceContextFiller filler = new TraceContextFiller(store);
    Usage a = new Usage(1200, 50, 1000, 100, 0);
    Usage b = Usage.of(300, 30);
    await(filler.accept(tenant, List.of(call(innerChat, b)), List.of(innerChat)));
    await(filler.accept(tenant, List.of(call(chat, a)), List.of(chat, cycle, tool)));
    assertThat(billed(UsageKind.AGENT)).isEqualTo(Map.of(UsageAccounting.UNKNOWN, a.plus(b)));

    await(filler.accept(tenant, List.of(), List.of(inner))); // the inner agent's span, alone
    assertThat(billed(UsageKind.AGENT)).isEqualTo(Map.of(UsageAccounting.UNKNOWN, a, "researcher-id", b));

    await(filler.accept(tenant, List.of(record(outer, RecordType.PROMPT).text("plan it").build()),
        List.of(outer)));

    assertThat(billed(UsageKind.AGENT)).isEqualTo(Map.of("planner-id", a, "researcher-id", b));
    assertThat(billed(UsageKind.SESSION)).isEqualTo(Map.of("s-1", a.plus(b)));
    assertThat(agentBySpan()).isEqualTo(Map.of(
        chat.spanId(), "planner-id", innerChat.spanId(), "researcher-id", outer.spanId(), "planner-id"));
    assertThat(await(store.findByTrace(tenant, traceId))).allSatisfy(r -> assertThat(r.sessionId()).isEqualTo("s-1"));
    assertThat(filler.rewritten()).isEqualTo(3); // inner chat twice (agent, then session), outer chat once
  }

  @Test
  void aRecordKeepsItsOwnValuesWhileItsChainIsBrokenAndAReExportChangesNothing() throws Exception {
    TraceContextFiller filler = new TraceContextFiller(store);
    // An agent named without an id is known by its name (span-mapper README, "Nearest agent").
    FunctionalRecord own = call(chat, Usage.of(10, 1)).toBuilder()
        .agentId("guess").agentName("guess").sessionId("s-guess").build();
    await(filler.accept(tenant, List.of(own), List.of(chat)));
    assertThat(await(store.findByTrace(tenant, traceId))).containsExactly(own);

    await(filler.accept(tenant, List.of(), List.of(cycle, outer)));
    await(filler.accept(tenant, List.of(own), List.of(chat))); // the span again, as first sent

    FunctionalRecord stored = await(store.findByTrace(tenant, traceId)).get(0);
    assertThat(stored.agentId()).isEqualTo("planner-id");
    assertThat(stored.agentName()).isEqualTo("planner");
    assertThat(stored.sessionId()).isEqualTo("s-1");
    assertThat(billed(UsageKind.AGENT)).isEqualTo(Map.of("planner-id", Usage.of(10, 1)));
  }

  @Test
  void aPassThatOverlapsAnotherOnTheSameTraceRunsAgainAndEndsRight() throws Exception {
    TraceContextFiller other = new TraceContextFiller(store);
    AtomicBoolean raced = new AtomicBoolean();
    // Between this node's read and its finish, another node stores the agent's span.
    TraceAssemblyStore racing = new DelegatingAssembly(store) {
      @Override
      public CompletionStage<TraceSnapshot> snapshot(String t, String trace) {
        return super.snapshot(t, trace).thenCompose(seen -> raced.getAndSet(true)
            ? CompletableFuture.completedFuture(seen)
            : other.accept(tenant, List.of(), List.of(outer)).thenApply(v -> seen));
      }
    };
    TraceContextFiller filler = new TraceContextFiller(store, racing);

    await(filler.accept(tenant, List.of(call(chat, Usage.of(5, 5))), List.of(chat, cycle)));

    assertThat(filler.repeatedPasses()).isEqualTo(1);
    assertThat(agentBySpan()).containsEntry(chat.spanId(), "planner-id");
    assertThat(billed(UsageKind.AGENT)).isEqualTo(Map.of("planner-id", Usage.of(5, 5)));
  }

  @Test
  void aFailedReadFailsTheExportRetryablyAndTheRetryFinishesIt() throws Exception {
    AtomicBoolean fail = new AtomicBoolean(true);
    TraceAssemblyStore flaky = new DelegatingAssembly(store) {
      @Override
      public CompletionStage<TraceSnapshot> snapshot(String t, String trace) {
        return fail.getAndSet(false)
            ? CompletableFuture.failedFuture(new StoreException("throttled", true))
            : super.snapshot(t, trace);
      }
    };
    TraceContextFiller filler = new TraceContextFiller(store, flaky);
    List<FunctionalRecord> batch = List.of(call(chat, Usage.of(7, 7)));
    List<SpanNode> spans = List.of(chat, cycle, outer);

    assertThatThrownBy(() -> await(filler.accept(tenant, batch, spans)))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e.getCause()).retryable()).isTrue());
    await(filler.accept(tenant, batch, spans));

    assertThat(agentBySpan()).containsEntry(chat.spanId(), "planner-id");
  }

  @Test
  void aStoreThatCannotAssembleIsRefusedAtConstruction() {
    io.tracebridge.store.TraceStore plain = (io.tracebridge.store.TraceStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {io.tracebridge.store.TraceStore.class}, (p, m, a) -> null);
    assertThatThrownBy(() -> new TraceContextFiller(plain))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TraceAssemblyStore");
  }

  /** Passes every call to a store; tests override one. */
  private static class DelegatingAssembly implements TraceAssemblyStore {
    private final TraceAssemblyStore delegate;

    DelegatingAssembly(TraceAssemblyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<TraceSnapshot> snapshot(String tenant, String traceId) {
      return delegate.snapshot(tenant, traceId);
    }

    @Override
    public CompletionStage<Void> putSpans(String tenant, Collection<SpanNode> spans) {
      return delegate.putSpans(tenant, spans);
    }

    @Override
    public CompletionStage<Void> remove(String tenant, String traceId, Collection<String> recordIds) {
      return delegate.remove(tenant, traceId, recordIds);
    }

    @Override
    public CompletionStage<Boolean> finishPass(String tenant, String traceId, long passesSeen) {
      return delegate.finishPass(tenant, traceId, passesSeen);
    }
  }
}
