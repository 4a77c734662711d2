package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The receiver's and runtime's metrics settings: shown (keys masked) by {@code tracebridge config}, bad ones refused. */
class ReceiverMetricsKeyTest {

  @Test
  void configShowsTheReceiversMetricsKeyMaskedWithItsSource() {
    StringWriter out = new StringWriter();
    int status = execute(out, Map.of("TRACEBRIDGE_METRICS_KEY", "receiver-scraper-key"), "config", "receiver");
    assertThat(status).isZero();
    assertThat(out.toString().lines().filter(l -> l.startsWith("--metrics-key ")).findFirst())
        .hasValueSatisfying(l -> assertThat(l).contains("****").endsWith("# TRACEBRIDGE_METRICS_KEY"));
    assertThat(out.toString()).doesNotContain("receiver-scraper-key");
  }

  @Test
  void aBlankMetricsKeyStopsTheReceiverNamingTheSetting() {
    StringWriter err = new StringWriter();
    int status = execute(err, Map.of(), "receiver", "--metrics-key", " ");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--metrics-key").contains("must not be blank");
  }

  @Test
  void theRuntimesMetricsPortIsOffByDefaultAndItsKeyMasked() {
    StringWriter out = new StringWriter();
    int status = execute(out, Map.of(), "config", "runtime", "--metrics-port", "9464", "--metrics-key", "rt-key-1");
    assertThat(status).isZero();
    assertThat(out.toString()).contains("9464").doesNotContain("rt-key-1");

    StringWriter bad = new StringWriter();
    assertThat(execute(bad, Map.of(), "runtime", "--metrics-port", "70000")).isEqualTo(2);
    assertThat(bad.toString()).contains("--metrics-port").contains("70000");
  }

  private static int execute(StringWriter sink, Map<String, String> env, String... args) {
    try {
      CommandLine commandLine = TraceBridge.commandLine(args, env);
      commandLine.setOut(new PrintWriter(sink, true));
      commandLine.setErr(new PrintWriter(sink, true));
      return commandLine.execute(args);
    } catch (CommandLine.PicocliException e) {
      sink.write(e.getMessage());
      return 2;
    }
  }
}
