package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.logs.ContentLogMapper;
import io.tracebridge.cloudwatch.logs.EmfMapper;
import io.tracebridge.cloudwatch.logs.LogEvent;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import io.tracebridge.cloudwatch.xray.XRaySegmentSender;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator.SegmentDocument;
import io.tracebridge.mapper.GoldenFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden-file tests (STYLE.md §2.11): every folder {@code testdata/<concern>/<behaviour>/} with an
 * {@code input.otlp.json} is one case, named after the folder.
 *
 * <p>{@code xray/} cases compare {@code expected.segments.json} (the documents, parsed), {@code
 * expected.skipped.json} (when a span is skipped) and {@code expected.batches.json} (the
 * PutTraceSegments batches as segment ids, when present); every document must also be within 64 KB
 * and every batch within 50. {@code logs/} cases compare {@code expected.logs.json} (content log
 * events) and {@code expected.emf.json} (EMF lines). An optional {@code config.json} sets {@code
 * indexedAttributes}, {@code validateTraceIdEpoch}, {@code now}, {@code maxLogMessageBytes} and
 * {@code outputs} (which of the above to compare). With {@code withoutSpanContent: true}, an {@code
 * xray/} case is also translated with span content off and compared with {@code
 * expected.segments_without_span_content.json}, and {@link SpanContentChecks} holds it against the
 * translation with content, given the case's known content strings ({@code contentStrings} and
 * every {@code SECRET-...} token of the input). On a mismatch the actual output goes to {@code
 * target/golden-actual/<case>/}; {@code -Dgolden.update=true} rewrites the expected files and
 * then fails on purpose.
 */
class GoldenFilesTest {
  private static final String INPUT = "input.otlp.json";
  /** Decimals read as BigDecimal and written plainly, so timestamps stay readable in the files. */
  private static final ObjectMapper JSON = SegmentJson.mapper().copy()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Instant DEFAULT_NOW = Instant.parse("2025-01-01T10:00:00Z");

  static Stream<Arguments> cases() {
    return GoldenFiles.cases(INPUT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translatesAsExpected(Path caseDir) throws IOException {
    ExportTraceServiceRequest request = OtlpJson.read(caseDir.resolve(INPUT));
    JsonNode config = Files.exists(caseDir.resolve("config.json"))
        ? JSON.readTree(caseDir.resolve("config.json").toFile())
        : JSON.createObjectNode();
    String caseName = GoldenFiles.caseName(caseDir);
    Map<String, Object> outputs = caseName.startsWith("xray")
        ? xrayOutputs(caseDir, request, config)
        : logsOutputs(request, config);
    if (config.has("outputs")) {
      List<String> wanted = new ArrayList<>();
      config.get("outputs").forEach(n -> wanted.add(n.asText()));
      outputs.keySet().retainAll(wanted);
    }
    GoldenFiles.verify(caseDir, outputs, JSON);
  }

  private static Map<String, Object> xrayOutputs(Path caseDir, ExportTraceServiceRequest request, JsonNode config)
      throws IOException {
    List<String> indexed = new ArrayList<>();
    config.path("indexedAttributes").forEach(n -> indexed.add(n.asText()));
    Instant now = config.has("now") ? Instant.parse(config.get("now").asText()) : DEFAULT_NOW;
    SegmentTranslator translator = new SegmentTranslator(indexed, config.path("validateTraceIdEpoch").asBoolean(false),
        null, Clock.fixed(now, ZoneOffset.UTC));
    SegmentTranslator.Translation translation = translator.translate(request);

    Map<String, Object> outputs = new LinkedHashMap<>();
    outputs.put("segments", documents(translation));
    if (config.path("withoutSpanContent").asBoolean(false)) {
      SegmentTranslator withoutContent = new SegmentTranslator(indexed,
          config.path("validateTraceIdEpoch").asBoolean(false), null, Clock.fixed(now, ZoneOffset.UTC), false);
      SegmentTranslator.Translation stripped = withoutContent.translate(request);
      outputs.put("segments_without_span_content", documents(stripped));
      assertThat(stripped.skipped()).isEqualTo(translation.skipped());
      SpanContentChecks.verify(translation.documents(), stripped.documents(),
          SpanContentChecks.contentStrings(caseDir.resolve(INPUT), config), JSON);
    }
    if (!translation.skipped().isEmpty() || Files.exists(caseDir.resolve("expected.skipped.json"))) {
      outputs.put("skipped", translation.skipped());
    }
    List<List<SegmentDocument>> batches = XRaySegmentSender.batches(translation.documents());
    batches.forEach(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(50));
    if (Files.exists(caseDir.resolve("expected.batches.json")) || config.path("outputs").toString().contains("batches")) {
      outputs.put("batches", batches.stream().map(b -> b.stream().map(SegmentDocument::id).toList()).toList());
    }
    return outputs;
  }

  private static List<JsonNode> documents(SegmentTranslator.Translation translation) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    for (SegmentDocument document : translation.documents()) {
      assertThat(document.bytes()).as("document %s size", document.id()).isLessThanOrEqualTo(64 * 1024);
      documents.add(JSON.readTree(document.json()));
    }
    return documents;
  }

  private static Map<String, Object> logsOutputs(ExportTraceServiceRequest request, JsonNode config) throws IOException {
    ContentLogMapper content = config.has("maxLogMessageBytes")
        ? new ContentLogMapper(config.get("maxLogMessageBytes").asInt())
        : new ContentLogMapper();
    EmfMapper emf = new EmfMapper("TraceBridge");
    List<JsonNode> logs = new ArrayList<>();
    List<JsonNode> lines = new ArrayList<>();
    for (SpanInput input : SpanInput.flatten(request)) {
      for (LogEvent event : content.event(input, "tenant-golden").stream().toList()) {
        if (config.has("maxLogMessageBytes")) {
          assertThat(event.messageBytes()).isLessThanOrEqualTo(config.get("maxLogMessageBytes").asInt());
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("timestamp", event.timestampMillis());
        entry.put("truncated", event.truncated());
        entry.put("message", JSON.readTree(event.message()));
        logs.add(JSON.valueToTree(entry));
      }
      for (LogEvent event : emf.event(input, "tenant-golden").stream().toList()) {
        lines.add(JSON.readTree(event.message()));
      }
    }
    Map<String, Object> outputs = new LinkedHashMap<>();
    outputs.put("logs", logs);
    outputs.put("emf", lines);
    return outputs;
  }
}
