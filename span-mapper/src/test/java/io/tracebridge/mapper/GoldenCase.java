package io.tracebridge.mapper;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The inputs of one golden case folder: its span exports, as a receiver gets them.
 *
 * <p>A case has either one {@code input.otlp.json} (one export request) or {@code
 * input.1.otlp.json}, {@code input.2.otlp.json}, ... (one file per export request, in the order
 * the producer sent them), and optionally {@code input.logs.otlp.json} (log records, which
 * arrive before the spans).
 */
public final class GoldenCase {
  public static final String SINGLE_INPUT = "input.otlp.json";
  public static final String FIRST_OF_SEVERAL = "input.1.otlp.json";
  public static final String LOGS_INPUT = "input.logs.otlp.json";
  private static final Pattern NUMBERED = Pattern.compile("input\\.(\\d+)\\.otlp\\.json");

  private GoldenCase() {}

  /** The export request files of {@code caseDir}, in sending order. */
  public static List<Path> exportFiles(Path caseDir) {
    Path single = caseDir.resolve(SINGLE_INPUT);
    if (Files.exists(single)) {
      return List.of(single);
    }
    try (Stream<Path> files = Files.list(caseDir)) {
      return files
          .filter(f -> NUMBERED.matcher(f.getFileName().toString()).matches())
          .sorted(Comparator.comparingInt(GoldenCase::number))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The export requests of {@code caseDir}, in sending order. */
  public static List<ExportTraceServiceRequest> exports(Path caseDir) {
    List<ExportTraceServiceRequest> requests = new ArrayList<>();
    for (Path file : exportFiles(caseDir)) {
      requests.add(OtlpJson.read(file));
    }
    return requests;
  }

  private static int number(Path file) {
    Matcher m = NUMBERED.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a numbered input: " + file);
    }
    return Integer.parseInt(m.group(1));
  }
}
