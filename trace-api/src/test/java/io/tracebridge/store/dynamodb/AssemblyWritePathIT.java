package io.tracebridge.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.mapper.ToolCall;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceSink;
import io.tracebridge.store.TraceSnapshot;
import io.tracebridge.store.TraceSummary;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The assembly pass's write path ({@link DynamoDbTraceStore#write}: from the snapshot, fresh
 * records batched under the lease, one summary creation, one usage transaction) leaves exactly what
 * the plain {@code accept} path leaves for the same records: the same records, the same trace
 * summary, the same usage by trace, agent and session; and a second pass over it, with a record
 * re-attributed, moves usage as {@code accept} does.
 */
class AssemblyWritePathIT {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");
  private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
  private static AmazonDynamoDBLocal local;
  private static DynamoDbTraceStore store;

  @BeforeAll
  static void start() {
    local = DynamoDBEmbedded.create(true); // true disables telemetry
    store = DynamoDbTraceStore.create(local.dynamoDbClient(),
        DynamoDbStoreConfig.builder().tableName("assembly-write-path").build());
  }

  @AfterAll
  static void stop() throws Exception {
    await(store.shutdown());
    local.shutdown();
  }

  @Test
  void aPassWritesWhatAcceptWritesAndItsSecondPassMovesUsageAlike() throws Exception {
    String viaPass = RecordFixtures.newTenant();
    String viaAccept = RecordFixtures.newTenant();
    String traceId = RecordFixtures.newTraceId();
    List<FunctionalRecord> passRun = run(viaPass, traceId, null);
    List<FunctionalRecord> acceptRun = run(viaAccept, traceId, null);

    TraceSnapshot empty = await(store.snapshot(viaPass, traceId));
    await(store.write(store, empty, passRun));
    assertThat(await(store.finishPass(viaPass, traceId, empty))).isTrue();
    await(store.accept(acceptRun));
    assertSame(viaPass, viaAccept, traceId);

    // A second export: the agent became known, every record is re-attributed.
    List<FunctionalRecord> passAgain = run(viaPass, traceId, "agent-7");
    List<FunctionalRecord> acceptAgain = run(viaAccept, traceId, "agent-7");
    TraceSnapshot seen = await(store.snapshot(viaPass, traceId));
    assertThat(seen.records()).hasSize(passRun.size());
    await(store.write(store, seen, passAgain));
    assertThat(await(store.finishPass(viaPass, traceId, seen))).isTrue();
    await(store.accept(acceptAgain));
    assertSame(viaPass, viaAccept, traceId);
    assertThat(usage(viaPass, UsageKind.AGENT)).containsOnlyKeys(
        "agent-7/gpt-4o", "agent-7/anthropic.claude-3-5-sonnet");
  }

  @Test
  void aPassWritesItsSpansWithItsRecordsOnTheBatchPathAndOnThePlainOne() throws Exception {
    String traceId = RecordFixtures.newTraceId();
    List<SpanNode> spans = List.of(
        new SpanNode(traceId, "0000000000000001", null, "agent-1", "planner", "session-1"),
        new SpanNode(traceId, "0000000000000002", "0000000000000001", null, null, null));
    // The store's own batch path: spans and fresh records in the pass's batch.
    String batched = RecordFixtures.newTenant();
    TraceSnapshot empty = await(store.snapshot(batched, traceId));
    await(store.write(store, empty, batched, spans, run(batched, traceId, null)));
    assertThat(await(store.finishPass(batched, traceId, empty))).isTrue();
    TraceSnapshot after = await(store.snapshot(batched, traceId));
    assertThat(after.spans()).containsOnlyKeys("0000000000000001", "0000000000000002");
    assertThat(after.spans().get("0000000000000001")).isEqualTo(spans.get(0));
    assertThat(after.records()).hasSize(6);

    // A writer that hands the records to another thread gets the plain path: spans still stored.
    String handedOff = RecordFixtures.newTenant();
    ExecutorService elsewhere = Executors.newSingleThreadExecutor();
    try {
      TraceSink offThread = records -> CompletableFuture.supplyAsync(() -> store.accept(records), elsewhere)
          .thenCompose(stage -> stage);
      TraceSnapshot none = await(store.snapshot(handedOff, traceId));
      await(store.write(offThread, none, handedOff, spans, run(handedOff, traceId, null)));
      assertThat(await(store.finishPass(handedOff, traceId, none))).isTrue();
    } finally {
      elsewhere.shutdown();
    }
    TraceSnapshot plain = await(store.snapshot(handedOff, traceId));
    assertThat(plain.spans()).isEqualTo(after.spans());
    assertThat(plain.records()).extracting(r -> r.toBuilder().tenant("t").build())
        .containsExactlyElementsOf(after.records().stream().map(r -> r.toBuilder().tenant("t").build()).toList());
  }

  private static void assertSame(String viaPass, String viaAccept, String traceId) throws Exception {
    List<FunctionalRecord> a = await(store.findByTrace(viaPass, traceId));
    List<FunctionalRecord> b = await(store.findByTrace(viaAccept, traceId));
    assertThat(a).extracting(r -> r.toBuilder().tenant("t").build())
        .containsExactlyElementsOf(b.stream().map(r -> r.toBuilder().tenant("t").build()).toList());
    TraceSummary sa = single(viaPass);
    TraceSummary sb = single(viaAccept);
    assertThat(sa).isEqualTo(sb);
    assertThat(sa.agentName()).isEqualTo("planner");
    assertThat(sa.stopReason()).isEqualTo("end_turn");
    for (UsageKind kind : UsageKind.values()) {
      assertThat(usage(viaPass, kind)).as(kind.toString()).isEqualTo(usage(viaAccept, kind));
    }
  }

  private static TraceSummary single(String tenant) throws Exception {
    List<TraceSummary> traces = await(store.listTraces(tenant, TraceQuery.recent(10))).traces();
    assertThat(traces).hasSize(1);
    return traces.get(0);
  }

  /** Usage of one kind by value (the tenant's own name left out) and model. */
  private static Map<String, Usage> usage(String tenant, UsageKind kind) throws Exception {
    return await(store.usage(tenant, kind, DAY, DAY)).stream()
        .collect(Collectors.toMap(
            c -> (kind == UsageKind.TENANT ? "tenant" : c.value()) + "/" + c.model(),
            UsageCell::usage, Usage::plus));
  }

  /** A run: prompt, two calls, a tool, a failed step, the answer with the agent's total. */
  private static List<FunctionalRecord> run(String tenant, String traceId, String agentId) {
    List<FunctionalRecord> records = new ArrayList<>();
    String[] spans = {"0000000000000001", "0000000000000002", "0000000000000003",
        "0000000000000004", "0000000000000005", "0000000000000006"};
    records.add(record(tenant, traceId, spans[0], 0, RecordType.PROMPT, agentId)
        .text("plan my trip to Lisbon").build());
    records.add(record(tenant, traceId, spans[1], 1, RecordType.MODEL_RESPONSE, agentId)
        .model("gpt-4o").usage(new Usage(1200, 80, 1000, 0, 10)).text("let me look").build());
    records.add(record(tenant, traceId, spans[2], 2, RecordType.TOOL_RESPONSE, agentId)
        .tool(new ToolCall("find_hotel", "tooluse_1", null, null, "{}", "[]", "success")).build());
    records.add(record(tenant, traceId, spans[3], 3, RecordType.ERROR, agentId)
        .error(new RecordError("Timeout", "the API did not answer")).build());
    records.add(record(tenant, traceId, spans[4], 4, RecordType.MODEL_RESPONSE, agentId)
        .model("anthropic.claude-3-5-sonnet").usage(new Usage(1500, 90, 0, 200, 0)).text("done").build());
    records.add(record(tenant, traceId, spans[5], 5, RecordType.RESPONSE, agentId)
        .totalUsage(new Usage(2700, 170, 1000, 200, 10)).finishReason("end_turn").text("391").build());
    return records;
  }

  private static FunctionalRecord.Builder record(String tenant, String traceId, String spanId, int step,
      RecordType type, String agentId) {
    return FunctionalRecord.builder()
        .tenant(tenant)
        .traceId(traceId)
        .spanId(spanId)
        .recordId(io.tracebridge.mapper.RecordIds.of(traceId, spanId, "step#" + step))
        .type(type)
        .timestamp(T0.plusMillis(100L * step))
        .dialect(io.tracebridge.mapper.Dialect.GENAI_SEMCONV)
        .sessionId("session-1")
        .agentName("planner")
        .agentId(agentId);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
