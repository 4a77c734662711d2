package io.tracebridge.cwimport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file and the progress line. */
class CheckpointAndProgressTest {
  private static CloudWatchImport.Options options(String tenant) {
    return new CloudWatchImport.Options(Instant.parse("2026-11-30T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
        List.of("aws/spans"), List.of(), true, tenant, 100, null, false, "t");
  }

  @Test
  void theSameJobResumesFromWhereItWasAndAnotherStartsAfresh(@TempDir Path dir) {
    Path file = dir.resolve("sub").resolve("cp.json");
    Checkpoint first = Checkpoint.open(file, options("a").job(), false);
    assertThat(first.resumed()).isFalse();
    first.advance("logs:aws/spans", new Checkpoint.Position("token-2", 1234, 2, false));

    Checkpoint again = Checkpoint.open(file, options("a").job(), false);
    assertThat(again.resumed()).isTrue();
    assertThat(again.position("logs:aws/spans")).isEqualTo(new Checkpoint.Position("token-2", 1234, 2, false));
    assertThat(again.position("xray:x")).isEqualTo(Checkpoint.Position.START);

    assertThat(Checkpoint.open(file, options("b").job(), false).position("logs:aws/spans"))
        .isEqualTo(Checkpoint.Position.START);
    assertThat(Checkpoint.open(file, options("a").job(), true).position("logs:aws/spans"))
        .isEqualTo(Checkpoint.Position.START);
  }

  @Test
  void anUnreadableCheckpointIsAClearError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cp.json");
    Files.writeString(file, "{not json");
    assertThatThrownBy(() -> Checkpoint.open(file, "job", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("--restart");
  }

  @Test
  void anEmptyWindowOrPageSizeOutOfRangeIsRefused() {
    Instant t = Instant.parse("2026-11-30T00:00:00Z");
    assertThatThrownBy(() -> new CloudWatchImport.Options(t, t, List.of(), List.of(), true, "x", 10, null, false, "t"))
        .hasMessageContaining("--to must be after --from");
    assertThatThrownBy(() -> new CloudWatchImport.Options(t, t.plusSeconds(1), List.of(), List.of(), true, "x", 0, null,
        false, "t")).hasMessageContaining("--page-size");
  }

  @Test
  void withoutATerminalEachUpdateIsOnePlainLineWithItemsRateAndEta() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    progress.update("aws/spans", 1000, 0.25);
    progress.update("aws/spans", 2000, 1.0);
    progress.finish();
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("import: aws/spans  25% 1,000 items ").contains("/s ETA ").doesNotContain("\r");
    assertThat(lines.get(1)).contains("100% 2,000 items").endsWith("done");
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlace() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    progress.update("aws/spans", 10, 0.5);
    progress.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).startsWith("\r[############            ]  50% 10 items").endsWith("\n");
  }
}
