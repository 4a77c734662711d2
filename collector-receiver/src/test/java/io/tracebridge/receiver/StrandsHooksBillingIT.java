package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Billing on real Strands 1.62 captures with the seed's two hooks (span-mapper's {@code
 * testdata/strands_hooks/<case>/}: {@code input.N.otlp.json} per export, and the producer-side
 * {@code truth.json} of per-call usage with the agent that made each call): through the receiver's
 * durable path on two nodes (two store instances over one DynamoDB Local table), billing by agent
 * and by session equals the truth's totals, and the trace holds one record per step, when the
 * spans arrive as captured, one per export children first, root first, or shuffled in threes, and
 * when every export comes twice.
 */
class StrandsHooksBillingIT {
  /** Stop reasons of a run that ended as it should (Strands' and the providers'). */
  private static final java.util.Set<String> NORMAL_STOPS = java.util.Set.of("end_turn", "stop", "stop_sequence");
  private static final Path CASES = Path.of("..", "span-mapper", "src", "test", "resources",
      "testdata", "strands_hooks");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AmazonDynamoDBLocal dynamo;
  private static DynamoDbTraceStore storeA;
  private static DynamoDbTraceStore storeB;
  private static TraceExportHandler nodeA;
  private static TraceExportHandler nodeB;

  @BeforeAll
  static void start() {
    dynamo = DynamoDBEmbedded.create(true); // in memory, telemetry off
    DynamoDbStoreConfig config = DynamoDbStoreConfig.builder().tableName("strands-hooks-billing").build();
    storeA = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), config);
    storeB = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), config);
    SpanMapper mapper = new SpanMapper();
    nodeA = new TraceExportHandler(mapper, new TraceContextFiller(storeA));
    nodeB = new TraceExportHandler(mapper, new TraceContextFiller(storeB));
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

  /** How the spans of a case are sent. */
  enum Arrival {
    AS_CAPTURED,
    ONE_PER_EXPORT_CHILDREN_FIRST,
    ONE_PER_EXPORT_ROOT_FIRST,
    SHUFFLED_IN_THREES,
    /** One span per export, children first, all sent at once to both nodes (they race). */
    RACING_ON_TWO_NODES
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(CASES)) {
      for (Path dir : dirs.filter(d -> Files.exists(d.resolve("truth.json"))).sorted().toList()) {
        for (Arrival arrival : Arrival.values()) {
          cases.add(Arguments.of(dir.getFileName().toString(), arrival));
        }
      }
    }
    assertThat(cases).as("strands_hooks fixtures").isNotEmpty();
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {1}, twice, alternating nodes")
  @MethodSource("cases")
  void billingByAgentAndSessionEqualsTheProducersTruth(String name, Arrival arrival) throws IOException {
    Path dir = CASES.resolve(name);
    JsonNode truth = JSON.readTree(dir.resolve("truth.json").toFile());
    List<List<Span>> captured = new ArrayList<>();
    for (JsonNode export : truth.get("exports")) {
      captured.add(spans(JSON.readTree(dir.resolve(export.asText()).toFile())));
    }
    List<List<Span>> exports = arrange(captured, arrival);
    String tenant = RecordFixtures.newTenant();

    for (int copy = 0; copy < 2; copy++) {
      List<CompletionStage<ExportOutcome>> inFlight = new ArrayList<>();
      for (int i = 0; i < exports.size(); i++) {
        CompletionStage<ExportOutcome> sent =
            ((i + copy) % 2 == 0 ? nodeA : nodeB).export(tenant, request(exports.get(i)));
        if (arrival == Arrival.RACING_ON_TWO_NODES) {
          inFlight.add(sent);
        } else {
          await(sent);
        }
      }
      inFlight.forEach(StrandsHooksBillingIT::await);
    }

    // A case may hold several traces (one agent called twice in one session).
    List<String> traceIds = stream(truth.get("invocations")).filter(inv -> inv.path("parentSpanId").isNull())
        .map(inv -> inv.get("traceId").asText()).distinct().toList();
    LocalDate day = day(captured.get(0).get(0));
    assertThat(billed(tenant, UsageKind.AGENT, day)).as("billed by agent")
        .isEqualTo(usageBy(truth.at("/totals/byAgent")));
    assertThat(billed(tenant, UsageKind.SESSION, day)).as("billed by session")
        .isEqualTo(usageBy(truth.at("/totals/bySession")));

    List<FunctionalRecord> stored = new ArrayList<>();
    for (String traceId : traceIds) {
      stored.addAll(await(storeA.findByTrace(tenant, traceId)));
    }
    List<Span> all = captured.stream().flatMap(List::stream).toList();
    List<String> oneCleanExport = new SpanMapper().map(tenant, request(all)).records().stream()
        .map(FunctionalRecord::recordId).sorted().toList();
    assertThat(stored).extracting(FunctionalRecord::recordId).as("one record per step")
        .containsExactlyInAnyOrderElementsOf(oneCleanExport);
    Usage total = usageBy(truth.at("/totals/byAgent")).values().stream().reduce(Usage.ZERO, Usage::plus);
    Usage everyRecord = stored.stream().filter(r -> r.usage() != null)
        .map(FunctionalRecord::usage).reduce(Usage.ZERO, Usage::plus);
    assertThat(everyRecord).as("usage summed over every record of the trace: the model calls'").isEqualTo(total);
    assertThat(stored).filteredOn(r -> r.usage() != null)
        .allSatisfy(r -> assertThat(r.type()).isEqualTo(RecordType.MODEL_RESPONSE));

    Map<String, String> agentBySpan = agentOfEachSpan(truth);
    assertThat(stored).filteredOn(r -> agentBySpan.containsKey(r.spanId())).isNotEmpty()
        .allSatisfy(r -> assertThat(r.agentName()).as("agent of %s on span %s", r.type(), r.spanId())
            .isEqualTo(agentBySpan.get(r.spanId())));

    Map<String, Usage> byTrace = usageBy(truth.at("/totals/byTrace"));
    List<TraceSummary> summaries = await(storeB.listTraces(tenant, TraceQuery.recent(traceIds.size()))).traces();
    assertThat(summaries).extracting(TraceSummary::traceId).containsExactlyInAnyOrderElementsOf(traceIds);
    for (TraceSummary summary : summaries) {
      JsonNode root = stream(truth.get("invocations"))
          .filter(inv -> inv.path("parentSpanId").isNull() && inv.get("traceId").asText().equals(summary.traceId()))
          .findFirst().orElseThrow();
      assertThat(summary.usage()).as("usage of trace %s", summary.traceId()).isEqualTo(byTrace.get(summary.traceId()));
      assertThat(summary.agentName()).as("the outermost agent").isEqualTo(root.get("agent").asText());
      if (!root.path("error").isNull()) {
        assertThat(summary.status()).as("a run the model stopped with an error").isIn("stopped", "error");
      } else if (NORMAL_STOPS.contains(root.path("stopReason").asText())) {
        assertThat(summary.status()).isEqualTo("finished");
      } else {
        assertThat(summary.status()).as("a run stopped by %s", root.path("stopReason").asText()).isEqualTo("stopped");
      }
    }
  }

  /** Each span of the truth's agents (the agent's span, its chat spans, its tool spans): its agent. */
  private static Map<String, String> agentOfEachSpan(JsonNode truth) {
    Map<String, String> agents = new HashMap<>();
    truth.get("modelCalls").forEach(c -> agents.put(c.get("chatSpanId").asText(), c.get("agent").asText()));
    truth.get("modelCalls").forEach(c -> agents.put(c.get("agentSpanId").asText(), c.get("agent").asText()));
    truth.get("toolCalls").forEach(t -> agents.put(t.get("executeToolSpanId").asText(), t.get("agent").asText()));
    return agents;
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list.stream();
  }

  /** The truth's totals by key, as {@link Usage} (input includes cache reads and writes). */
  private static Map<String, Usage> usageBy(JsonNode totals) {
    Map<String, Usage> out = new HashMap<>();
    totals.fields().forEachRemaining(e -> {
      JsonNode u = e.getValue();
      out.put(e.getKey(), new Usage(u.get("input").asLong(), u.get("output").asLong(),
          u.get("cacheRead").asLong(), u.get("cacheWrite").asLong(), u.get("reasoning").asLong()));
    });
    return out;
  }

  private static Map<String, Usage> billed(String tenant, UsageKind kind, LocalDate day) {
    return await(storeB.usage(tenant, kind, day.minusDays(1), day.plusDays(1))).stream()
        .collect(Collectors.toMap(UsageCell::value, UsageCell::usage, Usage::plus));
  }

  /** A span with the resource and scope it was exported under. */
  private record Span(JsonNode resource, JsonNode scope, JsonNode span) {
    String startNanos() {
      return String.format("%020d", Long.parseLong(span.get("startTimeUnixNano").asText()));
    }

    String endNanos() {
      return String.format("%020d", Long.parseLong(span.get("endTimeUnixNano").asText()));
    }
  }

  private static List<Span> spans(JsonNode request) {
    List<Span> spans = new ArrayList<>();
    for (JsonNode rs : request.get("resourceSpans")) {
      for (JsonNode ss : rs.get("scopeSpans")) {
        for (JsonNode span : ss.get("spans")) {
          spans.add(new Span(rs.get("resource"), ss.get("scope"), span));
        }
      }
    }
    return spans;
  }

  private static List<List<Span>> arrange(List<List<Span>> captured, Arrival arrival) {
    List<Span> all = new ArrayList<>(captured.stream().flatMap(List::stream).toList());
    switch (arrival) {
      case AS_CAPTURED:
        return captured;
      case ONE_PER_EXPORT_CHILDREN_FIRST:
      case RACING_ON_TWO_NODES:
        all.sort(Comparator.comparing(Span::endNanos));
        return all.stream().map(List::of).toList();
      case ONE_PER_EXPORT_ROOT_FIRST:
        all.sort(Comparator.comparing(Span::startNanos));
        return all.stream().map(List::of).toList();
      default:
        Collections.shuffle(all, new Random(23));
        List<List<Span>> threes = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 3) {
          threes.add(all.subList(from, Math.min(from + 3, all.size())));
        }
        return threes;
    }
  }

  /** One OTLP request with {@code spans}, each under its own resource and scope. */
  private static ExportTraceServiceRequest request(List<Span> spans) {
    ObjectNode request = JSON.createObjectNode();
    ArrayNode resourceSpans = request.putArray("resourceSpans");
    for (Span s : spans) {
      ObjectNode rs = resourceSpans.addObject();
      rs.set("resource", s.resource().deepCopy());
      ObjectNode ss = rs.putArray("scopeSpans").addObject();
      ss.set("scope", s.scope().deepCopy());
      ss.putArray("spans").add(s.span().deepCopy());
    }
    try {
      return OtlpJsonCodec.parseTraces(JSON.writeValueAsBytes(request));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static LocalDate day(Span span) {
    long nanos = Long.parseLong(span.span().get("startTimeUnixNano").asText());
    return LocalDate.ofInstant(Instant.ofEpochSecond(0, nanos), ZoneOffset.UTC);
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
