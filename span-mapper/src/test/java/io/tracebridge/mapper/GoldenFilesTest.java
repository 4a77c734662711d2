package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.Named;
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
  private static final Path TESTDATA = Path.of("src", "test", "resources", "testdata");
  private static final Path ACTUAL_ROOT = Path.of("target", "golden-actual");
  private static final String INPUT = "input.otlp.json";
  private static final String LOGS_INPUT = "input.logs.otlp.json";
  private static final String TENANT = "tenant-golden";
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");
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

  static Stream<Arguments> cases() throws IOException {
    try (Stream<Path> files = Files.walk(TESTDATA)) {
      return files
          .filter(file -> file.getFileName().toString().equals(INPUT))
          .map(Path::getParent)
          .sorted()
          .map(dir -> Arguments.of(Named.of(TESTDATA.relativize(dir).toString(), dir)))
          .toList()
          .stream();
    }
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

    String caseName = TESTDATA.relativize(caseDir).toString();
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Object> output : outputs.entrySet()) {
      Path expectedFile = caseDir.resolve("expected." + output.getKey() + ".json");
      String actual = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(output.getValue());
      if (UPDATE) {
        Files.writeString(expectedFile, actual + "\n");
        continue;
      }
      JsonNode expectedTree =
          Files.exists(expectedFile) ? JSON.readTree(expectedFile.toFile()) : null;
      String actualName =
          output.getKey().equals("records") ? "actual.json" : "actual." + output.getKey() + ".json";
      Path actualFile = ACTUAL_ROOT.resolve(caseName).resolve(actualName);
      Files.deleteIfExists(actualFile);
      if (!JSON.readTree(actual).equals(expectedTree)) {
        Files.createDirectories(actualFile.getParent());
        Files.writeString(actualFile, actual + "\n");
        failures.add(expectedFile + " differs; actual written to " + actualFile.toAbsolutePath());
      }
    }
    if (UPDATE) {
      fail("golden files of " + caseName + " rewritten (golden.update=true): review the diff, "
          + "then run again without -Dgolden.update");
    }
    assertThat(failures).as("golden mismatches").isEmpty();
  }
}
