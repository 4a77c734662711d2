package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The golden-file toolkit (STYLE.md §2.11), shared by every module that tests a translation on
 * fixture files: each folder under {@code src/test/resources/testdata/} holding an input file is
 * one case, named after the folder; its outputs are compared as JSON trees with the {@code
 * expected.<output>.json} files beside the input.
 *
 * <p>On a mismatch the actual output is written to {@code target/golden-actual/<case>/actual.<output>.json}
 * and named in the failure. Running with {@code -Dgolden.update=true} rewrites the expected files
 * and then fails on purpose, so an update is always reviewed as a diff.
 */
public final class GoldenFiles {
  public static final Path TESTDATA = Path.of("src", "test", "resources", "testdata");
  private static final Path ACTUAL_ROOT = Path.of("target", "golden-actual");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  private GoldenFiles() {}

  /** One named case per folder under {@link #TESTDATA} that holds a file named {@code input}. */
  public static Stream<Arguments> cases(String input) {
    try (Stream<Path> files = Files.walk(TESTDATA)) {
      return files
          .filter(file -> file.getFileName().toString().equals(input))
          .map(Path::getParent)
          .sorted()
          .map(dir -> Arguments.of(Named.of(caseName(dir), dir)))
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The case's name: its folder relative to {@link #TESTDATA}. */
  public static String caseName(Path caseDir) {
    return TESTDATA.relativize(caseDir).toString();
  }

  /**
   * Compares each output with {@code expected.<name>.json} in {@code caseDir} (or rewrites the
   * expected files when updating), serialising with {@code json}.
   */
  public static void verify(Path caseDir, Map<String, ?> outputs, ObjectMapper json) throws IOException {
    String caseName = caseName(caseDir);
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, ?> output : outputs.entrySet()) {
      Path expectedFile = caseDir.resolve("expected." + output.getKey() + ".json");
      String actual = json.writerWithDefaultPrettyPrinter().writeValueAsString(output.getValue());
      if (UPDATE) {
        Files.writeString(expectedFile, actual + "\n");
        continue;
      }
      JsonNode expected = Files.exists(expectedFile) ? json.readTree(expectedFile.toFile()) : null;
      Path actualFile = ACTUAL_ROOT.resolve(caseName).resolve("actual." + output.getKey() + ".json");
      Files.deleteIfExists(actualFile);
      if (!json.readTree(actual).equals(expected)) {
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
