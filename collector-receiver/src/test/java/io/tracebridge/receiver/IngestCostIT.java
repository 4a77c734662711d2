package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.dynamodb.CountingDynamoDbClient;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one agent run costs the table, pinned so that a regression fails: the DynamoDB calls per
 * operation and the write units DynamoDB Local reports ({@code ReturnConsumedCapacity.TOTAL}, table
 * and indexes) for a fresh run sent in one export through {@link TraceContextFiller} into the
 * DynamoDB store, and for an identical re-export of it. The run has the load generator's shape
 * (bench {@code AgentRunTemplates}, 4 calls): a root {@code invoke_agent} (prompt, answer with
 * the agent's total), 4 {@code chat} spans (model request of about 1.5 KB, response with usage)
 * and 3 {@code execute_tool} spans between them: 8 spans, 16 records. The figures are the ones
 * trace-api's README gives in "What a run costs".
 */
class IngestCostIT {
  private static final String TENANT = RecordFixtures.newTenant();
  private static final String MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static AmazonDynamoDBLocal dynamo;
  private static CountingDynamoDbClient counter;
  private static DynamoDbTraceStore store;
  private static TraceContextFiller filler;
  private static final List<StoredRecord> heard = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    dynamo = DynamoDBEmbedded.create(true); // in memory, telemetry off
    counter = CountingDynamoDbClient.over(dynamo.dynamoDbClient());
    store = DynamoDbTraceStore.create(counter.client(),
        DynamoDbStoreConfig.builder().tableName("ingest-cost").build());
    store.addListener(heard::addAll);
    filler = new TraceContextFiller(store);
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (dynamo != null) {
      dynamo.shutdown();
    }
  }

  @Test
  void aFreshRunAndItsReExportCostTheCallsAndUnitsTheReadmeGives() throws Exception {
    MappingResult run = new SpanMapper().map(TENANT, agentRun(RecordFixtures.newTraceId()));
    assertThat(run.records()).hasSize(16);
    assertThat(run.spans()).hasSize(8);

    int heardBefore = heard.size();
    counter.reset();
    send(run);
    Map<String, Long> fresh = counter.calls();
    double freshUnits = counter.writeUnits();
    System.out.printf("fresh run: %d calls %s, %.1f WCU, %.1f RCU, units by operation %s%n",
        counter.totalCalls(), fresh, freshUnits, counter.readUnits(), counter.unitsByOperation());
    assertThat(heard).hasSize(heardBefore + 16);

    counter.reset();
    send(run);
    Map<String, Long> again = counter.calls();
    double againUnits = counter.writeUnits();
    System.out.printf("identical re-export: %d calls %s, %.1f WCU, %.1f RCU, units by operation %s%n",
        counter.totalCalls(), again, againUnits, counter.readUnits(), counter.unitsByOperation());
    assertThat(heard).as("an identical re-export is heard by nobody").hasSize(heardBefore + 16);

    // Before issue 13 (main's write path, the same run): 36 calls (BatchGetItem 2, BatchWriteItem 1,
    // GetItem 3, PutItem 16, Query 1, TransactWriteItems 3, UpdateItem 10), 325 WCU; the re-export
    // 2 calls (Query, UpdateItem), 1 WCU. Round 1 of issue 13: 12 calls (the spans in a
    // BatchWriteItem of their own), 235 WCU; now the spans share the fresh records' batch.
    assertThat(fresh).isEqualTo(Map.of(
        "batchWriteItem", 1L, "putItem", 5L, "query", 1L, "transactWriteItems", 1L, "updateItem", 3L));
    assertThat(freshUnits).isEqualTo(235.0);
    assertThat(again).isEqualTo(Map.of("query", 1L));
    assertThat(againUnits).isEqualTo(0.0);
  }

  @Test
  void anExportOf32RunsCosts32TimesOneAndNoPassRunsTwice() throws Exception {
    ExportTraceServiceRequest.Builder export = ExportTraceServiceRequest.newBuilder();
    for (int i = 0; i < 32; i++) {
      export.addAllResourceSpans(agentRun(RecordFixtures.newTraceId()).getResourceSpansList());
    }
    MappingResult runs = new SpanMapper().map(TENANT, export.build());
    assertThat(runs.records()).hasSize(32 * 16);
    long repeatedBefore = filler.repeatedPasses();

    counter.reset();
    send(runs); // the 32 passes run at once on the store's pool
    System.out.printf("32 fresh runs in one export: %d calls %s, %.1f WCU%n",
        counter.totalCalls(), counter.calls(), counter.writeUnits());

    assertThat(filler.repeatedPasses()).as("passes over distinct traces never overlap")
        .isEqualTo(repeatedBefore);
    assertThat(counter.calls()).isEqualTo(Map.of(
        "batchWriteItem", 32L, "putItem", 160L, "query", 32L, "transactWriteItems", 32L, "updateItem", 96L));
    assertThat(counter.writeUnits()).isEqualTo(32 * 235.0);
  }

  private static void send(MappingResult run) throws Exception {
    filler.accept(TENANT, run.records(), run.spans()).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** One run of 4 model calls in the load generator's shape, children first, the root last. */
  static ExportTraceServiceRequest agentRun(String traceId) {
    long t = 1_767_225_600_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
    byte[] rootId = spanId();
    String prompt = "question 7: what is 17 * 23? " + "x".repeat(1300);
    List<Span> spans = new ArrayList<>();
    long input = 0;
    long start = t;
    for (int call = 0; call < 4; call++) {
      boolean last = call == 3;
      long callInput = 1200 + call * 150L;
      input += callInput;
      start += 5_000_000;
      spans.add(span(traceId, spanId(), rootId, "chat", start, start + 800_000_000L)
          .addAttributes(str("gen_ai.operation.name", "chat"))
          .addAttributes(str("gen_ai.system", "strands-agents"))
          .addAttributes(str("gen_ai.request.model", MODEL))
          .addAttributes(num("gen_ai.usage.input_tokens", callInput))
          .addAttributes(num("gen_ai.usage.output_tokens", 80))
          .addEvents(event("model_request", start + 1_000, str("model.name", MODEL),
              str("model.prompt", prompt), num("model.messages_count", 1 + 2L * call)))
          .addEvents(event("model_response", start + 800_000_000L - 1_000,
              str("model.response", last ? "17 * 23 = 391" : "I'll use the calculator."),
              str("model.finish_reason", last ? "end_turn" : "tool_use")))
          .build());
      start += 800_000_000L;
      if (!last) {
        start += 5_000_000;
        String callId = "tooluse_" + call;
        spans.add(span(traceId, spanId(), rootId, "execute_tool calculate", start, start + 20_000_000L)
            .addAttributes(str("gen_ai.operation.name", "execute_tool"))
            .addAttributes(str("gen_ai.system", "strands-agents"))
            .addAttributes(str("gen_ai.tool.name", "calculate"))
            .addAttributes(str("gen_ai.tool.call.id", callId))
            .addAttributes(str("gen_ai.tool.status", "success"))
            .addEvents(event("tool_request", start + 1_000, str("tool.name", "calculate"),
                str("tool.input", "{\"expression\": \"17 * 23\"}")))
            .addEvents(event("tool_response", start + 20_000_000L - 1_000,
                str("tool.output", "{\"toolUseId\": \"" + callId
                    + "\", \"status\": \"success\", \"content\": [{\"text\": \"391\"}]}"),
                str("tool.status", "success")))
            .build());
        start += 20_000_000L;
      }
    }
    start += 5_000_000;
    spans.add(span(traceId, rootId, null, "invoke_agent tracebridge-agent", t, start + 1_000)
        .addAttributes(str("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(str("gen_ai.system", "strands-agents"))
        .addAttributes(str("gen_ai.agent.name", "tracebridge-agent"))
        .addAttributes(str("gen_ai.request.model", MODEL))
        .addAttributes(str("session.id", "session-7"))
        .addAttributes(num("gen_ai.usage.input_tokens", input))
        .addAttributes(num("gen_ai.usage.output_tokens", 320))
        .addEvents(event("agent_prompt", t + 1_000, str("agent.prompt", "question 7: what is 17 * 23?")))
        .addEvents(event("agent_response", start, str("agent.response", "17 * 23 = 391"),
            num("agent.input_tokens", input), num("agent.output_tokens", 320)))
        .build());
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans)))
        .build();
  }

  private static byte[] spanId() {
    byte[] id = new byte[8];
    ThreadLocalRandom.current().nextBytes(id);
    id[0] |= 1;
    return id;
  }

  private static Span.Builder span(String traceId, byte[] id, byte[] parent, String name, long start, long end) {
    Span.Builder b = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceId)))
        .setSpanId(ByteString.copyFrom(id))
        .setName(name)
        .setKind(name.equals("chat") ? Span.SpanKind.SPAN_KIND_CLIENT : Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(end);
    if (parent != null) {
      b.setParentSpanId(ByteString.copyFrom(parent));
    }
    return b;
  }

  private static Span.Event event(String name, long at, KeyValue... attributes) {
    return Span.Event.newBuilder().setName(name).setTimeUnixNano(at)
        .addAllAttributes(List.of(attributes)).build();
  }

  private static KeyValue str(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue num(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}
