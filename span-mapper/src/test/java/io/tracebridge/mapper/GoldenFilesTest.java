package io.tracebridge.mapper;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.mapper.legacy.LegacyTraceView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code input.otlp.json}, or with {@code input.1.otlp.json}, {@code input.2.otlp.json}, ... (one
 * file per export request, see {@link GoldenCase}), is one case, named after the folder.
 *
 * <p>The records of a case are what a store ends up holding, as the receiver builds them: each
 * export mapped on its own ({@link SpanMapper#map}), then every record and span node of all the
 * exports (and of {@code input.logs.otlp.json}'s log records, mapped first) assembled with {@link
 * TraceAssembly#assemble}, in timeline order.
 *
 * <p>Expected files, each compared as a JSON tree: {@code expected.records.json} (always), {@code
 * expected.issues.json} (rejected spans and issues; when absent the case must have none) and
 * {@code expected.legacy.json} (the legacy view of the records, when present). On a mismatch the
 * actual output is written to {@code target/golden-actual/<case>/}. Run with {@code
 * -Dgolden.update=true} to rewrite the expected files; the run then fails on purpose so the
 * update is reviewed.
 */
class GoldenFilesTest {
  static final String TENANT = "tenant-golden";
  private static final ObjectMapper JSON = RecordJson.mapper();
  private static final SpanMapper MAPPER = new SpanMapper();

  /** The assembled records of a case and what mapping its inputs reported. */
  record Stored(List<FunctionalRecord> records, int rejectedSpans, List<MappingIssue> issues) {}

  /** The records of a case as a store holds them (see the class comment). */
  static Stored mapAsStored(Path caseDir) {
    return mapAsStored(caseDir, GoldenCase.exports(caseDir));
  }

  /** As {@link #mapAsStored(Path)}, with the case's span exports given (reordered, say). */
  static Stored mapAsStored(Path caseDir, List<ExportTraceServiceRequest> exports) {
    List<FunctionalRecord> records = new ArrayList<>();
    List<SpanNode> spans = new ArrayList<>();
    List<MappingIssue> issues = new ArrayList<>();
    int rejected = 0;
    Path logsFile = caseDir.resolve(GoldenCase.LOGS_INPUT);
    if (Files.exists(logsFile)) {
      MappingResult logs = MAPPER.mapLogs(TENANT, OtlpJson.readLogs(logsFile));
      records.addAll(logs.records());
      issues.addAll(logs.issues());
      rejected += logs.rejectedSpans();
    }
    for (ExportTraceServiceRequest export : exports) {
      MappingResult result = MAPPER.map(TENANT, export);
      records.addAll(result.records());
      spans.addAll(result.spans());
      issues.addAll(result.issues());
      rejected += result.rejectedSpans();
    }
    return new Stored(TraceAssembly.assemble(records, spans).records(), rejected, issues);
  }

  static Stream<Arguments> cases() {
    return Stream.concat(GoldenFiles.cases(GoldenCase.SINGLE_INPUT),
            GoldenFiles.cases(GoldenCase.FIRST_OF_SEVERAL))
        .sorted(java.util.Comparator.comparing(
            a -> ((org.junit.jupiter.api.Named<?>) a.get()[0]).getName()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mapsAsExpected(Path caseDir) throws IOException {
    Stored result = mapAsStored(caseDir);

    Map<String, Object> outputs = new LinkedHashMap<>();
    outputs.put("records", result.records());
    boolean anyIssue = result.rejectedSpans() > 0 || !result.issues().isEmpty();
    if (anyIssue || Files.exists(caseDir.resolve("expected.issues.json"))) {
      Map<String, Object> issues = new LinkedHashMap<>();
      issues.put("rejectedSpans", result.rejectedSpans());
      issues.put("issues", result.issues());
      outputs.put("issues", issues);
    }
    if (Files.exists(caseDir.resolve("expected.legacy.json"))) {
      // In timeline order, as the REST API serves a trace.
      outputs.put("legacy", LegacyTraceView.of(result.records()));
    }

    GoldenFiles.verify(caseDir, outputs, JSON);
  }
}
