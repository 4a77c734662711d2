package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.Usage;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceSummary;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The receiver's durable path (mapper → {@link TraceContextFiller} → DynamoDB Local) on two
 * receiver nodes, each with its own store instance over one table: billing by agent and by
 * session equals the producer's per-call truth, and every record has its nearest ancestor agent,
 * whatever order the spans arrive in, however they are split over exports, and when every export
 * comes twice.
 *
 * <p>The trace is a real Strands capture (span-mapper's {@code
 * strands/default_mode_reasoning_tool_call_answer}: agent {@code calculator}, two model calls and
 * a tool) with a second agent used as a tool: a copy of the whole run, agent {@code researcher},
 * nested under the outer run's {@code execute_tool} span (agents as tools). Only the outer root
 * carries {@code session.id}, so every other span's session must come from its ancestors. The
 * truth is read off the spans: each {@code chat} span's usage, billed to the nearest {@code
 * invoke_agent} above it. "Minutes apart" is separate export calls: nothing in the path depends
 * on time.
 */
class TraceAssemblyIT {
  private static final Path FIXTURE = Path.of("..", "span-mapper", "src", "test", "resources",
      "testdata", "strands", "default_mode_reasoning_tool_call_answer", "input.otlp.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SESSION = "session-fixture-1";

  private static AmazonDynamoDBLocal dynamo;
  private static DynamoDbTraceStore storeA;
  private static DynamoDbTraceStore storeB;
  private static TraceExportHandler nodeA;
  private static TraceExportHandler nodeB;
  private static TraceContextFiller fillerA;
  private static TraceContextFiller fillerB;
  private static List<JsonNode> spans;
  private static Truth truth;

  @BeforeAll
  static void start() throws Exception {
    dynamo = DynamoDBEmbedded.create(true); // in memory, telemetry off
    DynamoDbStoreConfig config = DynamoDbStoreConfig.builder().tableName("trace-assembly").build();
    storeA = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), config);
    storeB = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), config);
    SpanMapper mapper = new SpanMapper();
    fillerA = new TraceContextFiller(storeA);
    fillerB = new TraceContextFiller(storeB);
    nodeA = new TraceExportHandler(mapper, fillerA);
    nodeB = new TraceExportHandler(mapper, fillerB);
    spans = agentsAsTools(JSON.readTree(Files.readAllBytes(FIXTURE)));
    truth = Truth.of(spans);
  }

  @AfterAll
  static void stop() throws Exception {
    for (DynamoDbTraceStore store : new DynamoDbTraceStore[] {storeA, storeB}) {
      if (store != null) {
        store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
    if (dynamo != null) {
      dynamo.shutdown();
    }
  }

  /** The orders spans arrive in. */
  enum Order {
    /** As the SDK's batch exporter sends them: by end time, so children before their parents. */
    CHILDREN_FIRST(list -> sorted(list, Comparator.comparing(s -> s.path("endTimeUnixNano").asText()))),
    /** Parents before children: by start time. */
    ROOT_FIRST(list -> sorted(list, Comparator.comparing(s -> s.path("startTimeUnixNano").asText()))),
    SHUFFLED(list -> {
      List<JsonNode> copy = new ArrayList<>(list);
      Collections.shuffle(copy, new Random(17));
      return copy;
    });

    final Function<List<JsonNode>, List<JsonNode>> arrange;

    Order(Function<List<JsonNode>, List<JsonNode>> arrange) {
      this.arrange = arrange;
    }
  }

  static List<Arguments> scenarios() {
    List<Arguments> cases = new ArrayList<>();
    for (Order order : Order.values()) {
      for (int perExport : new int[] {1, 3}) {
        cases.add(Arguments.of(order, perExport));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0}, {1} spans per export, twice, alternating nodes")
  @MethodSource("scenarios")
  void billingByAgentAndSessionEqualsTheTruthWhateverTheOrder(Order order, int perExport) {
    String tenant = RecordFixtures.newTenant();
    List<List<JsonNode>> exports = split(order.arrange.apply(spans), perExport);
    for (int copy = 0; copy < 2; copy++) {
      for (int i = 0; i < exports.size(); i++) {
        TraceExportHandler node = (i + copy) % 2 == 0 ? nodeA : nodeB;
        await(node.export(tenant, request(exports.get(i))));
      }
    }

    assertBilledAsTheTruth(tenant);
  }

  @Test
  void exportsRacingOnTwoNodesEndAttributedAndBilledOnce() {
    String tenant = RecordFixtures.newTenant();
    List<List<JsonNode>> exports = split(Order.CHILDREN_FIRST.arrange.apply(spans), 2);
    for (int copy = 0; copy < 2; copy++) {
      List<CompletableFuture<ExportOutcome>> inFlight = new ArrayList<>();
      for (int i = 0; i < exports.size(); i++) {
        TraceExportHandler node = (i + copy) % 2 == 0 ? nodeA : nodeB;
        inFlight.add(node.export(tenant, request(exports.get(i))).toCompletableFuture());
      }
      inFlight.forEach(TraceAssemblyIT::await);
    }

    assertBilledAsTheTruth(tenant);
  }

  private void assertBilledAsTheTruth(String tenant) {
    LocalDate day = truth.day();
    assertThat(cells(tenant, UsageKind.AGENT, day)).as("billed by agent").isEqualTo(truth.byAgent());
    assertThat(cells(tenant, UsageKind.SESSION, day)).as("billed by session")
        .isEqualTo(Map.of(SESSION, truth.total()));
    assertThat(cells(tenant, UsageKind.TENANT, day)).isEqualTo(Map.of(tenant, truth.total()));

    List<FunctionalRecord> stored = await(storeB.findByTrace(tenant, truth.traceId()));
    assertThat(stored).extracting(FunctionalRecord::recordId).doesNotHaveDuplicates();
    assertThat(stored).hasSize(truth.records());
    assertThat(stored).allSatisfy(r -> {
      assertThat(r.agentName()).as("agent of %s on span %s", r.type(), r.spanId())
          .isEqualTo(truth.agentOfSpan().get(r.spanId()));
      assertThat(r.sessionId()).as("session of %s on span %s", r.type(), r.spanId()).isEqualTo(SESSION);
    });
    Usage everyRecord = stored.stream().filter(r -> r.usage() != null)
        .map(FunctionalRecord::usage).reduce(Usage.ZERO, Usage::plus);
    assertThat(everyRecord).as("usage summed over every record of the trace: its model calls'")
        .isEqualTo(truth.total());
    assertThat(stored).filteredOn(r -> r.usage() != null)
        .allSatisfy(r -> assertThat(r.type()).isEqualTo(RecordType.MODEL_RESPONSE));

    TraceSummary summary = await(storeA.listTraces(tenant, TraceQuery.recent(5))).traces().get(0);
    assertThat(summary.usage()).isEqualTo(truth.total());
    assertThat(summary.agentName()).as("the outermost agent").isEqualTo("calculator");
    assertThat(summary.sessionId()).isEqualTo(SESSION);
  }

  private static Map<String, Usage> cells(String tenant, UsageKind kind, LocalDate day) {
    return await(storeA.usage(tenant, kind, day, day)).stream()
        .collect(Collectors.toMap(UsageCell::value, UsageCell::usage, Usage::plus));
  }

  /**
   * The per-call truth, from the producer's spans: each {@code chat} span's usage (input
   * including cache, as the GenAI conventions and Strands report it) under the name of the nearest
   * {@code invoke_agent} span at or above it.
   */
  record Truth(String traceId, LocalDate day, Map<String, Usage> byAgent, Usage total,
      Map<String, String> agentOfSpan, int records) {

    static Truth of(List<JsonNode> spans) {
      Map<String, JsonNode> byId = new HashMap<>();
      spans.forEach(s -> byId.put(s.get("spanId").asText(), s));
      Map<String, String> agentOfSpan = new HashMap<>();
      Map<String, Usage> byAgent = new LinkedHashMap<>();
      for (JsonNode span : spans) {
        String agent = null;
        for (JsonNode s = span; s != null; s = byId.get(s.path("parentSpanId").asText(""))) {
          if (s.get("name").asText().startsWith("invoke_agent")) {
            agent = attribute(s, "gen_ai.agent.name");
            break;
          }
        }
        agentOfSpan.put(span.get("spanId").asText(), agent);
        if (span.get("name").asText().equals("chat")) {
          Usage u = new Usage(count(span, "gen_ai.usage.input_tokens"), count(span, "gen_ai.usage.output_tokens"),
              count(span, "gen_ai.usage.cache_read_input_tokens"),
              count(span, "gen_ai.usage.cache_write_input_tokens"), 0);
          byAgent.merge(agent, u, Usage::plus);
        }
      }
      JsonNode first = spans.get(0);
      long startNanos = Long.parseLong(first.get("startTimeUnixNano").asText());
      LocalDate day = LocalDate.ofInstant(Instant.ofEpochSecond(0, startNanos), ZoneOffset.UTC);
      Usage total = byAgent.values().stream().reduce(Usage.ZERO, Usage::plus);
      // Records of one clean export of the whole trace (each step once).
      int records = new SpanMapper().map("t", request(spans)).records().size();
      return new Truth(first.get("traceId").asText(), day, byAgent, total, agentOfSpan, records);
    }

    private static String attribute(JsonNode span, String key) {
      for (JsonNode a : span.path("attributes")) {
        if (a.get("key").asText().equals(key)) {
          JsonNode v = a.get("value");
          return v.has("stringValue") ? v.get("stringValue").asText() : v.path("intValue").asText();
        }
      }
      return null;
    }

    private static long count(JsonNode span, String key) {
      String v = attribute(span, key);
      return v == null ? 0 : Long.parseLong(v);
    }
  }

  /**
   * The fixture's spans plus a copy of the whole run as an agent used as a tool: new span ids,
   * agent name {@code researcher}, its root's parent the outer {@code execute_tool} span; and
   * {@code session.id} kept only on the outer root.
   */
  private static List<JsonNode> agentsAsTools(JsonNode fixture) {
    List<JsonNode> outer = new ArrayList<>();
    fixture.get("resourceSpans").forEach(rs -> rs.get("scopeSpans")
        .forEach(ss -> ss.get("spans").forEach(s -> outer.add(s.deepCopy()))));
    String toolSpan = outer.stream().filter(s -> s.get("name").asText().startsWith("execute_tool"))
        .findFirst().orElseThrow().get("spanId").asText();
    List<JsonNode> all = new ArrayList<>(outer);
    for (JsonNode span : outer) {
      ObjectNode inner = span.deepCopy();
      inner.put("spanId", "ee" + span.get("spanId").asText().substring(2));
      String parent = span.path("parentSpanId").asText("");
      inner.put("parentSpanId", parent.isEmpty() ? toolSpan : "ee" + parent.substring(2));
      for (JsonNode a : inner.withArray("attributes")) {
        if (a.get("key").asText().equals("gen_ai.agent.name")) {
          ((ObjectNode) a).putObject("value").put("stringValue", "researcher");
        }
      }
      if (inner.get("name").asText().startsWith("invoke_agent")) {
        inner.put("name", "invoke_agent researcher");
      }
      all.add(inner);
    }
    for (JsonNode span : all) {
      boolean outerRoot = span.path("parentSpanId").asText("").isEmpty();
      if (!outerRoot) {
        ArrayNode attributes = ((ObjectNode) span).withArray("attributes");
        for (int i = attributes.size() - 1; i >= 0; i--) {
          if (attributes.get(i).get("key").asText().equals("session.id")) {
            attributes.remove(i);
          }
        }
      }
    }
    return all;
  }

  private static List<JsonNode> sorted(List<JsonNode> spans, Comparator<JsonNode> order) {
    List<JsonNode> copy = new ArrayList<>(spans);
    copy.sort(order);
    return copy;
  }

  private static List<List<JsonNode>> split(List<JsonNode> spans, int perExport) {
    List<List<JsonNode>> exports = new ArrayList<>();
    for (int from = 0; from < spans.size(); from += perExport) {
      exports.add(spans.subList(from, Math.min(from + perExport, spans.size())));
    }
    return exports;
  }

  /** One OTLP request holding {@code spans} under the fixture's resource and scope. */
  private static io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest request(List<JsonNode> spans) {
    ObjectNode request = JSON.createObjectNode();
    ObjectNode resource = request.putArray("resourceSpans").addObject();
    resource.putObject("resource").putArray("attributes").addObject()
        .put("key", "service.name").putObject("value").put("stringValue", "strands-fixture");
    ObjectNode scope = resource.putArray("scopeSpans").addObject();
    scope.putObject("scope").put("name", "strands.telemetry.tracer");
    ArrayNode list = scope.putArray("spans");
    spans.forEach(s -> list.add(s.deepCopy()));
    try {
      return OtlpJsonCodec.parseTraces(JSON.writeValueAsBytes(request));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
