package io.tracebridge.mapper;


import com.fasterxml.jackson.databind.ObjectMapper;
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
 * {@code input.otlp.json} is one case, named after the folder.
 *
 * <p>Expected files, each compared as a JSON tree: {@code expected.records.json} (always), {@code
 * expected.issues.json} (rejected spans and issues; when absent the case must have none) and
 * {@code expected.legacy.json} (the legacy view of the records in timeline order, when present).
 * On a mismatch the actual output is written to {@code target/golden-actual/<case>/}. Run with
 * {@code -Dgolden.update=true} to rewrite the expected files; the run then fails on purpose so
 * the update is reviewed.
 */
class GoldenFilesTest {
  private static final String INPUT = "input.otlp.json";
  private static final String LOGS_INPUT = "input.logs.otlp.json";
  private static final String TENANT = "tenant-golden";
  private static final ObjectMapper JSON = RecordJson.mapper();

  private final SpanMapper mapper = new SpanMapper();

  /**
   * The records of a case as a store holds them: with an {@code input.logs.otlp.json}, its log
   * records first (they may arrive before their spans), then the spans' records, a record with the
   * same id filled in from the earlier one ({@link FunctionalRecord#filledFrom}).
   */
  MappingResult mapAsStored(Path caseDir) {
    MappingResult spans = mapper.map(TENANT, OtlpJson.read(caseDir.resolve(INPUT)));
    Path logsFile = caseDir.resolve(LOGS_INPUT);
    if (!Files.exists(logsFile)) {
      return spans;
    }
    MappingResult logs = mapper.mapLogs(TENANT, OtlpJson.readLogs(logsFile));
    Map<String, FunctionalRecord> byId = new LinkedHashMap<>();
    for (FunctionalRecord r : logs.records()) {
      byId.put(r.recordId(), r);
    }
    for (FunctionalRecord r : spans.records()) {
      byId.merge(r.recordId(), r, (earlier, later) -> later.filledFrom(earlier));
    }
    List<MappingIssue> issues = new ArrayList<>(logs.issues());
    issues.addAll(spans.issues());
    return new MappingResult(new ArrayList<>(byId.values()),
        logs.rejectedSpans() + spans.rejectedSpans(), issues);
  }

  static Stream<Arguments> cases() {
    return GoldenFiles.cases(INPUT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mapsAsExpected(Path caseDir) throws IOException {
    MappingResult result = mapAsStored(caseDir);

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
      outputs.put("legacy", LegacyTraceView.of(
          result.records().stream().sorted(FunctionalRecord.TIMELINE).toList()));
    }

    GoldenFiles.verify(caseDir, outputs, JSON);
  }
}
