package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class CloudWatchExportConfigTest {
  @Test
  void environmentIsOffByDefaultWithDefaults() {
    CloudWatchExportConfig config = CloudWatchExportConfig.fromEnvironment(Map.of());
    assertThat(config.enabled()).isFalse();
    assertThat(config.traces()).isEqualTo(CloudWatchExportConfig.Traces.XRAY);
    assertThat(config.region()).isEmpty();
    assertThat(config.logGroup()).isEqualTo(CloudWatchExportConfig.DEFAULT_LOG_GROUP);
  }

  @Test
  void environmentSetsEverything() {
    CloudWatchExportConfig config = CloudWatchExportConfig.fromEnvironment(Map.ofEntries(
        Map.entry("TRACEBRIDGE_CLOUDWATCH_ENABLED", "true"),
        Map.entry("TRACEBRIDGE_CLOUDWATCH_TRACES", "otlp"),
        Map.entry("TRACEBRIDGE_CLOUDWATCH_EMF", "false"),
        Map.entry("AWS_REGION", "eu-central-1"),
        Map.entry("TRACEBRIDGE_CLOUDWATCH_LOG_GROUP", "/aws/bedrock-agentcore/runtimes/r-1"),
        Map.entry("TRACEBRIDGE_CLOUDWATCH_LOG_STREAM", "runtime-logs"),
        Map.entry("TRACEBRIDGE_CLOUDWATCH_EMF_NAMESPACE", "bedrock-agentcore"),
        Map.entry("TRACEBRIDGE_CLOUDWATCH_INDEXED_ATTRIBUTES", "customer.tier, region "),
        Map.entry("TRACEBRIDGE_CLOUDWATCH_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces"),
        Map.entry("TRACEBRIDGE_CLOUDWATCH_MAX_QUEUED_SPANS", "500")));
    assertThat(config.enabled()).isTrue();
    assertThat(config.traces()).isEqualTo(CloudWatchExportConfig.Traces.OTLP);
    assertThat(config.emfMetrics()).isFalse();
    assertThat(config.region()).contains("eu-central-1");
    assertThat(config.logStream()).isEqualTo("runtime-logs");
    assertThat(config.indexedAttributes()).containsExactly("customer.tier", "region");
    assertThat(config.otlpTracesEndpoint("eu-central-1", "x")).isEqualTo(URI.create("http://127.0.0.1:4318/v1/traces"));
    assertThat(config.maxQueuedSpans()).isEqualTo(500);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "TRACEBRIDGE_CLOUDWATCH_TRACES, zipkin, TRACEBRIDGE_CLOUDWATCH_TRACES",
    "TRACEBRIDGE_CLOUDWATCH_ENABLED, yes, TRACEBRIDGE_CLOUDWATCH_ENABLED",
    "TRACEBRIDGE_CLOUDWATCH_REGION, Mars, region",
    "TRACEBRIDGE_CLOUDWATCH_LOG_GROUP, aws/spans, logGroup",
    "TRACEBRIDGE_CLOUDWATCH_LOG_STREAM, a:b, logStream",
    "TRACEBRIDGE_CLOUDWATCH_EMF_NAMESPACE, AWS/Bedrock, emfNamespace",
    "TRACEBRIDGE_CLOUDWATCH_XRAY_ENDPOINT, ftp://x, xrayEndpoint",
    "TRACEBRIDGE_CLOUDWATCH_OTLP_ENDPOINT_TEMPLATE, https://xray.example/v1/traces, otlpEndpointTemplate",
    "TRACEBRIDGE_CLOUDWATCH_MAX_QUEUED_SPANS, 0, maxQueuedSpans",
    "TRACEBRIDGE_CLOUDWATCH_WORKERS, many, TRACEBRIDGE_CLOUDWATCH_WORKERS",
    "TRACEBRIDGE_CLOUDWATCH_SPAN_CONTENT, no, TRACEBRIDGE_CLOUDWATCH_SPAN_CONTENT",
  })
  void invalidValuesNameTheOption(String variable, String value, String named) {
    assertThatThrownBy(() -> CloudWatchExportConfig.fromEnvironment(Map.of(variable, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(named);
  }

  @Test
  void toStringHidesCredentialsAndRoundTripsThroughTheBuilder() {
    CloudWatchExportConfig config = CloudWatchExportConfig.builder()
        .region("us-east-1")
        .indexedAttributes(List.of("a"))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSECRET", "shh-secret")))
        .build();
    assertThat(config.toString()).doesNotContain("AKIDSECRET").doesNotContain("shh-secret").contains("us-east-1");
    assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
  }

  @ParameterizedTest(name = "SPAN_CONTENT={0}")
  @CsvSource({"true, true", "false, false", "FALSE, false", "' true ', true"})
  void spanContentIsReadFromTheEnvironment(String value, boolean expected) {
    CloudWatchExportConfig config = CloudWatchExportConfig.fromEnvironment(Map.of(
        "TRACEBRIDGE_CLOUDWATCH_ENABLED", "true", "TRACEBRIDGE_CLOUDWATCH_SPAN_CONTENT", value));
    assertThat(config.spanContent()).isEqualTo(expected);
    assertThat(config.contentLogs()).as("content logs are a separate switch").isTrue();
  }

  @Test
  void spanContentIsOnByDefaultAndKeptByTheBuilder() {
    assertThat(CloudWatchExportConfig.fromEnvironment(Map.of()).spanContent()).isTrue();
    assertThat(CloudWatchExportConfig.builder().build().spanContent()).isTrue();
    CloudWatchExportConfig off = CloudWatchExportConfig.builder().spanContent(false).build();
    assertThat(off.spanContent()).isFalse();
    assertThat(off.toBuilder().build().spanContent()).isFalse();
    assertThat(off.toString()).contains("spanContent=false");
  }
}
