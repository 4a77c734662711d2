package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * One configuration for every role: flag over {@code TRACEBRIDGE_*} variable over config file over
 * default, secrets masked in {@code tracebridge config}, and every bad value refused at start-up
 * with a message naming the setting as the user wrote it. Each file case is its own file under
 * {@code testdata/config/}.
 */
class ConfigurationTest {

  @Test
  void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
    Map<String, String> env = Map.of("TRACEBRIDGE_HTTP_PORT", "6318", "TRACEBRIDGE_TABLE", "from-env");
    Run run = run(env, "config", "receiver", "--config", file("receiver_ports_and_limits.properties"),
        "--grpc-port", "7317");

    assertThat(run.status).isZero();
    assertThat(run.line("--grpc-port")).contains("7317").endsWith("# flag");
    assertThat(run.line("--http-port")).contains("6318").endsWith("# TRACEBRIDGE_HTTP_PORT");
    assertThat(run.line("--table")).contains("from-env").endsWith("# TRACEBRIDGE_TABLE");
    assertThat(run.line("--max-exports-in-flight")).contains("= 8 ").contains("(max-exports-in-flight)");
    assertThat(run.line("--retry-after")).contains("PT0.25S");
    assertThat(run.line("--health-port")).contains("13133").endsWith("# default");
  }

  @Test
  void theConfigFileCanAlsoBeNamedByTheEnvironment() throws Exception {
    Run run = run(Map.of("TRACEBRIDGE_CONFIG", file("receiver_ports_and_limits.properties")),
        "config", "web");
    assertThat(run.status).isZero();
    // The same file serves every role: the web node reads its own key and ignores the receiver's.
    assertThat(run.line("--web-port")).contains("9090");
    assertThat(run.line("--table")).contains("tracebridge-prod");
  }

  @Test
  void configMasksSecretsInTheEnvironmentItShows() throws Exception {
    Map<String, String> env = Map.of(
        "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE12345",
        "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG",
        "OPENAI_API_KEY", "sk-live-123",
        "OPENAI_PROVIDERS", "{\"groq\":{\"base_url\":\"http://127.0.0.1:1/v1\",\"api_key\":\"gsk-inline-9\"}}",
        "MCP_SERVERS", "[{\"name\":\"docs\",\"url\":\"http://127.0.0.1:2/mcp\",\"auth\":\"bearer\",\"token\":\"tok-\\\"7\"}]",
        "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000");
    Run run = run(env, "config", "runtime");
    assertThat(run.status).isZero();
    assertThat(run.out).contains("AWS_ACCESS_KEY_ID=AKIA****")
        .contains("AWS_SECRET_ACCESS_KEY=****")
        .contains("OPENAI_API_KEY=****")
        .contains("AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000")
        .contains("\"api_key\":\"****\"").contains("\"base_url\":\"http://127.0.0.1:1/v1\"")
        .contains("\"token\":\"****\"").contains("\"auth\":\"bearer\"")
        .doesNotContain("wJalrXUtnFEMI").doesNotContain("sk-live-123").doesNotContain("EXAMPLE12345")
        .doesNotContain("gsk-inline").doesNotContain("tok-");
  }

  @Test
  void configMasksTheCursorSecretAndTheMetricsKey() throws Exception {
    Run run = run(Map.of("TRACEBRIDGE_CURSOR_SECRET", "cursor-secret-of-every-node"),
        "config", "web", "--metrics-key", "scraper-key-123");
    assertThat(run.status).isZero();
    assertThat(run.line("--cursor-secret")).contains("****").endsWith("# TRACEBRIDGE_CURSOR_SECRET");
    assertThat(run.line("--metrics-key")).contains("****").endsWith("# flag");
    assertThat(run.out).doesNotContain("cursor-secret-of-every-node").doesNotContain("scraper-key-123");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "typo_in_a_key.properties, unknown setting 'grpc-prot'",
      "port_out_of_range.properties, invalid --http-port (from ",
      "duration_unreadable.properties, 'soon' is not a duration",
  })
  void aBadFileStopsStartUpNamingTheSetting(String fileName, String expected) throws Exception {
    Run run = run(Map.of(), "receiver", "--config", file(fileName));
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err).contains(expected);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "TRACEBRIDGE_GRPC_PORT, abc, receiver, '--grpc-port': 'abc' is not an int (from TRACEBRIDGE_GRPC_PORT)",
      "TRACEBRIDGE_WEB_PORT, 70000, web, invalid --web-port (from TRACEBRIDGE_WEB_PORT): must be 0..65535",
      "TRACEBRIDGE_HEARTBEAT, 1ms, web, invalid --heartbeat (from TRACEBRIDGE_HEARTBEAT): must be at least 10ms",
      "TRACEBRIDGE_STORE_THREADS, 0, receiver, invalid --store-threads (from TRACEBRIDGE_STORE_THREADS)",
      "TRACEBRIDGE_CLUSTER_PORT, 0, web, invalid --cluster-port (from TRACEBRIDGE_CLUSTER_PORT)",
      "TRACEBRIDGE_CURSOR_SECRET, short, web, invalid --cursor-secret (from TRACEBRIDGE_CURSOR_SECRET): must have at least 16",
      "TRACEBRIDGE_MAX_SUBSCRIPTIONS_PER_SOCKET, 0, up, invalid --max-subscriptions-per-socket (from TRACEBRIDGE_MAX_SUBSCRIPTIONS_PER_SOCKET)",
      "TRACEBRIDGE_MAX_EXPORTS_IN_FLIGHT, 0, up, invalid --max-exports-in-flight (from TRACEBRIDGE_MAX_EXPORTS_IN_FLIGHT)",
      "TRACEBRIDGE_OTLP_BODY_TIMEOUT, 0s, receiver, invalid --otlp-body-timeout (from TRACEBRIDGE_OTLP_BODY_TIMEOUT): must be positive",
  })
  void aBadVariableStopsStartUpNamingIt(String name, String value, String role, String expected) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(name, value);
    // Nothing may start before the check: the table is nowhere to be found here.
    env.put("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1");
    Run run = run(env, role);
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err).contains(expected);
  }

  @Test
  void aDiscoveryJoinTakesPropertiesNotAddresses() throws Exception {
    Run run = run(Map.of("TRACEBRIDGE_CLUSTER_JOIN", "kubernetes"), "web", "--cluster-members", "10.0.0.7");
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err).contains(
        "invalid --cluster-members: with --cluster-join kubernetes must be discovery properties key=value, was [10.0.0.7]");
  }

  @Test
  void bothKindsOfApiKeysAtOnceAreRefused() throws Exception {
    Run run = run(Map.of(), "web", "--api-keys", "keys.json", "--api-keys-secret", "prod/keys");
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err).contains("invalid --api-keys-secret: give --api-keys or --api-keys-secret, not both");
  }

  private static String file(String name) throws URISyntaxException {
    return Path.of(ConfigurationTest.class.getResource("/testdata/config/" + name).toURI()).toString();
  }

  private record Run(int status, String out, String err) {
    String line(String option) {
      return out.lines().filter(l -> l.startsWith(option + " ")).findFirst()
          .orElseThrow(() -> new AssertionError(option + " not in:\n" + out));
    }
  }

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
