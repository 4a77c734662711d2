package io.tracebridge.cwimport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.store.memory.InMemoryTraceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

/**
 * The conversion on the captured cases: the {@code aws/spans} events and the content log events of
 * a run, read back into OTLP, give the spans the producer exported, and through the receiver's
 * path the same records as the producer's own OTLP (which is what a live ingest receives); the
 * records are also kept beside the fixture ({@code expected.records.json}, rewritten with
 * {@code -Dgolden.update=true}, which then fails on purpose).
 */
class CloudWatchEventsTest {
  private static final ObjectMapper RECORDS = RecordJson.mapper();
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  static OtlpBatch read(String caseName, List<String> skipped) {
    OtlpBatch batch = new OtlpBatch();
    for (String file : List.of("aws-spans.events.json", "content.events.json")) {
      for (Fixtures.Event e : Fixtures.events(caseName, file)) {
        CloudWatchImport.read(e.message(), List.of(), batch, skipped::add);
      }
    }
    return batch;
  }

  @ParameterizedTest
  @FieldSource("io.tracebridge.cwimport.Fixtures#CASES")
  void spansReadBackFromAwsSpansAreTheSpansTheProducerExported(String caseName) {
    List<String> skipped = new ArrayList<>();
    ExportTraceServiceRequest imported = read(caseName, skipped).traces();
    assertThat(skipped).isEmpty();
    Map<String, Span> original = bySpanId(Fixtures.spans(caseName));
    Map<String, Span> back = bySpanId(imported);
    assertThat(back.keySet()).containsExactlyInAnyOrderElementsOf(original.keySet());
    // Same spans, field by field (the producer's export is the reference).
    back.forEach((id, span) -> assertThat(span).as(id).isEqualTo(original.get(id)));
    // Resource and scope too.
    assertThat(imported.getResourceSpans(0).getResource())
        .isEqualTo(Fixtures.spans(caseName).getResourceSpans(0).getResource());
    assertThat(imported.getResourceSpans(0).getScopeSpans(0).getScope())
        .isEqualTo(Fixtures.spans(caseName).getResourceSpans(0).getScopeSpans(0).getScope());
  }

  @ParameterizedTest
  @FieldSource("io.tracebridge.cwimport.Fixtures#CASES")
  void importedEventsGiveTheRecordsOfALiveIngest(String caseName) throws Exception {
    OtlpBatch batch = read(caseName, new ArrayList<>());
    assertThat(batch.logCount()).isPositive();

    InMemoryTraceStore store = new InMemoryTraceStore();
    Fixtures.Ingest ingest = Fixtures.Ingest.over(store);
    ingest.send("live", Fixtures.spans(caseName), Fixtures.logs(caseName));
    ingest.send("imported", batch.traces(), batch.logs());

    String traceId = batch.traceIds().iterator().next();
    List<FunctionalRecord> live = store.findByTrace("live", traceId).toCompletableFuture().get();
    List<FunctionalRecord> imported = store.findByTrace("imported", traceId).toCompletableFuture().get();
    assertThat(imported).isNotEmpty();
    assertThat(Fixtures.comparable(imported)).isEqualTo(Fixtures.comparable(live));
    // The content came from the log group: prompts and answers are there, and usage.
    assertThat(imported).extracting(FunctionalRecord::type).contains(RecordType.MODEL_RESPONSE,
        RecordType.TOOL_REQUEST, RecordType.RESPONSE);
    // (In latest mode the LLO handler's bodies hold semconv messages as JSON strings, which
    // span-mapper does not read yet: no prompt text there, live or imported alike.)
    assertThat(imported).anySatisfy(r -> assertThat(r.text() + " " + r.messages() + " " + r.tool()).contains("17 * 23"));
    assertThat(CloudWatchImport.billedUsage(imported).inputTokens()).isPositive();

    verifyGolden(caseName, imported);
  }

  @Test
  void whatIsNotASpanOrALogRecordIsSkippedWithItsReason() {
    List<String> skipped = new ArrayList<>();
    OtlpBatch batch = new OtlpBatch();
    String span = Fixtures.events("strands_adot_tool_call", "aws-spans.events.json").get(0).message();
    for (String message : List.of(
        "INFO agent started on port 8080",
        "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[]},\"InputTokens\":3}",
        "{\"hello\":\"world\"}",
        "{not json",
        span.replaceFirst("\"traceId\":\"[0-9a-f]{32}\"", "\"traceId\":\"xyz\""),
        span)) {
      CloudWatchImport.read(message, List.of(), batch, skipped::add);
    }
    assertThat(skipped).containsExactly(
        "log event that is not JSON (plain text)",
        "EMF metric line (no run data)",
        "JSON log event that is neither a span nor a log record",
        "log event that is not JSON (plain text)",
        "span without a valid traceId");
    assertThat(batch.spanCount()).isEqualTo(1);
  }

  @Test
  void serviceFilterKeepsOnlyTheNamedServices() {
    List<String> skipped = new ArrayList<>();
    OtlpBatch batch = new OtlpBatch();
    for (Fixtures.Event e : Fixtures.events("strands_adot_tool_call", "aws-spans.events.json")) {
      CloudWatchImport.read(e.message(), List.of("another-agent"), batch, skipped::add);
    }
    assertThat(batch.spanCount()).isZero();
    assertThat(skipped).isNotEmpty().allMatch(s -> s.equals("service not selected by --service"));
  }

  @Test
  void otlpJsonStyleAttributesAndXRayTraceIdsAreReadToo() {
    String event = "{\"traceId\":\"1-5759e988-bd862e3fe1be46a994272793\",\"spanId\":\"53995C3F42CD8AD8\",\"name\":\"chat\","
        + "\"kind\":\"SPAN_KIND_CLIENT\",\"startTimeUnixNano\":\"1700000000000000000\",\"durationNano\":5,"
        + "\"attributes\":[{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"12\"}}],"
        + "\"status\":{\"code\":\"STATUS_CODE_ERROR\",\"message\":\"boom\"}}";
    Span span = CloudWatchEvents.span(CloudWatchEvents.parse(event).json());
    assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(HexFormat.of().formatHex(span.getSpanId().toByteArray())).isEqualTo("53995c3f42cd8ad8");
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1_700_000_000_000_000_005L);
    assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(12);
    assertThat(span.getStatus().getMessage()).isEqualTo("boom");
  }

  private static Map<String, Span> bySpanId(ExportTraceServiceRequest request) {
    Map<String, Span> out = new LinkedHashMap<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          out.put(HexFormat.of().formatHex(s.getSpanId().toByteArray()), s);
        }
      }
    }
    return out;
  }

  private static void verifyGolden(String caseName, List<FunctionalRecord> records) throws Exception {
    Path expected = Fixtures.ROOT.resolve(caseName).resolve("expected.records.json");
    List<FunctionalRecord> sorted = records.stream().sorted(Comparator.comparing(FunctionalRecord::recordId)).toList();
    String actual = RECORDS.writerWithDefaultPrettyPrinter().writeValueAsString(sorted);
    if (UPDATE) {
      Files.writeString(expected, actual + "\n");
      throw new AssertionError("rewrote " + expected + " (golden.update=true): review the diff, run again without it");
    }
    assertThat(Files.exists(expected)).as(expected + " exists (run once with -Dgolden.update=true)").isTrue();
    JsonNode want = RECORDS.readTree(expected.toFile());
    assertThat(RECORDS.readTree(actual)).isEqualTo(want);
  }
}
