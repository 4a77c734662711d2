package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code tracebridge import cloudwatch} resolves its settings like every role (flag, {@code
 * TRACEBRIDGE_*}, file) and refuses a bad window before it touches AWS or the table. The import
 * itself is covered in cloudwatch-import (CloudWatchImportInteropIT).
 */
class ImportCommandTest {

  @Test
  void aTimeThatIsNotIsoIsRefusedNamingTheSetting() {
    Run run = run(Map.of(), "import", "cloudwatch", "--from", "yesterday", "--to", "2026-12-01");
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err).contains("--from").contains("ISO-8601").contains("yesterday");
  }

  @Test
  void theWindowMustNotBeEmpty() {
    Run run = run(Map.of("TRACEBRIDGE_FROM", "2026-12-02T00:00:00Z"), "import", "cloudwatch", "--to", "2026-12-01");
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err).contains("--to").contains("must be after --from");
  }

  @Test
  void theWindowIsRequired() {
    Run run = run(Map.of(), "import", "cloudwatch");
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err).contains("--from").contains("--to");
  }

  @Test
  void helpListsTheOptions() {
    Run run = run(Map.of(), "import", "cloudwatch", "--help");
    assertThat(run.status).isZero();
    assertThat(run.out).contains("--log-group", "--service", "--checkpoint", "--restart", "--[no-]xray", "--table");
  }

  private record Run(int status, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status;
    try {
      CommandLine commandLine = TraceBridge.commandLine(args, env);
      commandLine.setOut(new PrintWriter(out, true));
      commandLine.setErr(new PrintWriter(err, true));
      status = commandLine.execute(args);
    } catch (CommandLine.PicocliException e) {
      err.write(e.getMessage());
      status = 2;
    }
    return new Run(status, out.toString(), err.toString());
  }
}
