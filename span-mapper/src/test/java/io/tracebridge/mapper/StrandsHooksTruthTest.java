package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.legacy.LegacyTrace;
import io.tracebridge.mapper.legacy.LegacyTraceView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Strands 1.62 runs with the seed's two hooks ({@code testdata/strands_hooks/}, captured
 * by {@code fixtures/regenerate.sh}) against the producer-side truth each case carries ({@code
 * truth.json}: every model call with its chat span and usage, every tool call, every invocation).
 *
 * <p>One record per functional step; each call's usage on its own {@code model_response}; each
 * record on its nearest agent and session; sums of {@code usage} (and of the legacy view's
 * tokens) equal to the sums over the calls, per agent and per session; and the same records
 * whatever order and grouping the spans arrive in, twice included.
 */
class StrandsHooksTruthTest {
  private static final Path CASES = GoldenFiles.TESTDATA.resolve("strands_hooks");

  static Stream<Arguments> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(CASES)) {
      return dirs.filter(d -> Files.exists(d.resolve("truth.json"))).sorted()
          .map(d -> Arguments.of(Named.of(d.getFileName().toString(), d)))
          .toList().stream();
    }
  }

  private static JsonNode truth(Path caseDir) throws IOException {
    return RecordJson.mapper().readTree(caseDir.resolve("truth.json").toFile());
  }

  private static List<FunctionalRecord> records(Path caseDir) {
    return GoldenFilesTest.mapAsStored(caseDir).records();
  }

  private static Map<RecordType, Long> countByType(List<FunctionalRecord> records) {
    return records.stream()
        .collect(Collectors.groupingBy(FunctionalRecord::type, Collectors.counting()));
  }

  private static Usage usage(JsonNode u) {
    return new Usage(u.path("input").asLong(), u.path("output").asLong(),
        u.path("cacheRead").asLong(), u.path("cacheWrite").asLong(), u.path("reasoning").asLong());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void oneRecordPerStep(Path caseDir) throws IOException {
    JsonNode truth = truth(caseDir);
    List<FunctionalRecord> records = records(caseDir);
    Map<RecordType, Long> counts = countByType(records);
    int calls = truth.path("modelCalls").size();
    int tools = truth.path("toolCalls").size();
    int runs = truth.path("invocations").size();

    assertThat(counts.get(RecordType.MODEL_REQUEST)).isEqualTo(calls);
    assertThat(counts.get(RecordType.MODEL_RESPONSE)).isEqualTo(calls);
    assertThat(counts.getOrDefault(RecordType.TOOL_REQUEST, 0L)).isEqualTo(tools);
    assertThat(counts.getOrDefault(RecordType.TOOL_RESPONSE, 0L)).isEqualTo(tools);
    assertThat(counts.get(RecordType.PROMPT)).isEqualTo(runs);
    assertThat(counts.get(RecordType.RESPONSE)).isEqualTo(runs);
    // No hook copy of a model or tool step is left beside its native record.
    assertThat(records).filteredOn(r -> r.dialect() == Dialect.HOOK_EVENTS)
        .extracting(FunctionalRecord::type)
        .isSubsetOf(RecordType.PROMPT, RecordType.RESPONSE, RecordType.ERROR);
    // The tool-only turns' hook text (a Python repr) is nowhere.
    assertThat(records).extracting(FunctionalRecord::text)
        .allSatisfy(text -> assertThat(text == null || !text.startsWith("{'")).isTrue());

    Map<String, FunctionalRecord> responseByChat = records.stream()
        .filter(r -> r.type() == RecordType.MODEL_RESPONSE)
        .collect(Collectors.toMap(FunctionalRecord::spanId, Function.identity()));
    for (JsonNode call : truth.path("modelCalls")) {
      FunctionalRecord response = responseByChat.get(call.path("chatSpanId").asText());
      assertThat(response).as("model_response of chat span %s", call.path("chatSpanId")).isNotNull();
      Usage expected = usage(call.path("usage"));
      if (expected.isZero()) {
        assertThat(response.usage() == null || response.usage().isZero()).isTrue();
      } else {
        assertThat(response.usage()).isEqualTo(expected);
      }
      assertThat(response.agentName()).isEqualTo(call.path("agent").asText());
      assertThat(response.agentId()).isEqualTo(call.path("agent").asText());
      assertThat(response.sessionId()).isEqualTo(call.path("session").asText());
      assertThat(response.model()).isEqualTo(call.path("model").asText());
      assertThat(response.durationMs()).isNotNull();
    }
    for (JsonNode tool : truth.path("toolCalls")) {
      List<FunctionalRecord> steps = records.stream()
          .filter(r -> r.tool() != null && tool.path("toolUseId").asText().equals(r.tool().callId()))
          .toList();
      assertThat(steps).extracting(FunctionalRecord::type)
          .containsExactlyInAnyOrder(RecordType.TOOL_REQUEST, RecordType.TOOL_RESPONSE);
      assertThat(steps).allSatisfy(r -> {
        assertThat(r.spanId()).isEqualTo(tool.path("executeToolSpanId").asText());
        assertThat(r.agentId()).isEqualTo(tool.path("agent").asText());
        assertThat(r.tool().name()).isEqualTo(tool.path("name").asText());
      });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void usageSumsToTheCallsPerTraceAgentAndSession(Path caseDir) throws IOException {
    JsonNode totals = truth(caseDir).path("totals");
    List<FunctionalRecord> records = records(caseDir);

    assertThat(sum(records)).isEqualTo(usage(totals.path("all")));
    assertThat(TraceUsage.total(records)).isEqualTo(usage(totals.path("all")));
    totals.path("byAgent").fields().forEachRemaining(agent -> assertThat(
        sum(records.stream().filter(r -> agent.getKey().equals(r.agentId())).toList()))
        .as("agent %s", agent.getKey()).isEqualTo(usage(agent.getValue())));
    totals.path("bySession").fields().forEachRemaining(session -> assertThat(
        sum(records.stream().filter(r -> session.getKey().equals(r.sessionId())).toList()))
        .as("session %s", session.getKey()).isEqualTo(usage(session.getValue())));

    List<LegacyTrace> legacy = LegacyTraceView.of(records);
    assertThat(legacy.stream().mapToLong(LegacyTrace::inputTokens).sum())
        .isEqualTo(totals.path("all").path("input").asLong());
    assertThat(legacy.stream().mapToLong(LegacyTrace::outputTokens).sum())
        .isEqualTo(totals.path("all").path("output").asLong());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachRunsResponseHasItsAgentsTotalsAndStopReason(Path caseDir) throws IOException {
    JsonNode truth = truth(caseDir);
    List<FunctionalRecord> records = records(caseDir);
    Map<String, FunctionalRecord> responseByAgentSpan = records.stream()
        .filter(r -> r.type() == RecordType.RESPONSE)
        .collect(Collectors.toMap(FunctionalRecord::spanId, Function.identity()));
    for (JsonNode run : truth.path("invocations")) {
      FunctionalRecord response = responseByAgentSpan.get(run.path("agentSpanId").asText());
      assertThat(response).isNotNull();
      assertThat(response.usage()).isNull();
      assertThat(response.agentId()).isEqualTo(run.path("agent").asText());
      if (run.path("error").isNull()) {
        assertThat(response.finishReason()).isEqualTo(run.path("stopReason").asText());
        assertThat(response.error()).isNull();
        // The agent span's totals: Strands' accumulated_usage with the cache counted in the
        // input. For one invocation that is the sum of its own calls; an Agent object reused
        // for a second invocation keeps accumulating (Strands never resets it).
        JsonNode accumulated = run.path("accumulatedUsage");
        long cacheRead = accumulated.path("cacheReadInputTokens").asLong();
        long cacheWrite = accumulated.path("cacheWriteInputTokens").asLong();
        assertThat(response.totalUsage()).isEqualTo(new Usage(
            accumulated.path("inputTokens").asLong() + cacheRead + cacheWrite,
            accumulated.path("outputTokens").asLong(), cacheRead, cacheWrite, 0));
        if (run.path("callsUsage").isObject()
            && run.path("callsUsage").path("output").asLong() == accumulated.path("outputTokens").asLong()) {
          assertThat(response.totalUsage()).isEqualTo(usage(run.path("callsUsage")));
        }
      } else {
        assertThat(response.error()).isNotNull();
        assertThat(response.error().type()).endsWith(run.path("error").asText());
        if (run.path("error").asText().equals("MaxTokensReachedException")) {
          assertThat(response.finishReason()).isEqualTo("max_tokens");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theSameRecordsWhateverOrderAndGroupingTheSpansArriveIn(Path caseDir) {
    List<FunctionalRecord> expected = records(caseDir);
    List<ExportTraceServiceRequest> exports = GoldenCase.exports(caseDir);
    List<ExportTraceServiceRequest> oneSpanEach = new ArrayList<>();
    exports.forEach(e -> oneSpanEach.addAll(perSpan(e)));

    List<List<ExportTraceServiceRequest>> arrivals = new ArrayList<>();
    arrivals.add(List.of(merged(oneSpanEach))); // everything in one request
    List<ExportTraceServiceRequest> reversed = new ArrayList<>(oneSpanEach);
    Collections.reverse(reversed); // the root first, children last
    arrivals.add(reversed);
    for (int seed = 1; seed <= 5; seed++) {
      List<ExportTraceServiceRequest> shuffled = new ArrayList<>(oneSpanEach);
      shuffled.addAll(oneSpanEach); // every span twice
      Collections.shuffle(shuffled, new Random(seed));
      arrivals.add(shuffled);
    }
    List<ExportTraceServiceRequest> exportsTwice = new ArrayList<>(exports);
    exportsTwice.addAll(exports);
    Collections.reverse(exportsTwice);
    arrivals.add(exportsTwice);

    for (List<ExportTraceServiceRequest> arrival : arrivals) {
      assertThat(GoldenFilesTest.mapAsStored(caseDir, arrival).records())
          .as("%d exports", arrival.size()).isEqualTo(expected);
    }
  }

  private static Usage sum(List<FunctionalRecord> records) {
    return records.stream().map(FunctionalRecord::usage).filter(u -> u != null)
        .reduce(Usage.ZERO, Usage::plus);
  }

  /** One export request per span, each with its resource and scope. */
  private static List<ExportTraceServiceRequest> perSpan(ExportTraceServiceRequest request) {
    List<ExportTraceServiceRequest> out = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          out.add(ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(rs.toBuilder().clearScopeSpans()
                  .addScopeSpans(ss.toBuilder().clearSpans().addSpans(span)))
              .build());
        }
      }
    }
    return out;
  }

  private static ExportTraceServiceRequest merged(List<ExportTraceServiceRequest> requests) {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    requests.forEach(r -> b.addAllResourceSpans(r.getResourceSpansList()));
    return b.build();
  }
}
