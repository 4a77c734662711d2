package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.cloudwatch.ExportStats.Counter;
import io.tracebridge.cloudwatch.LoopbackCloudWatch.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Retries of failed calls as the export makes them: {@link CloudWatchExport#create} builds real
 * X-Ray and CloudWatch Logs clients with the configuration's policy (the SDK's standard strategy)
 * and its retry counter, against a loopback server that answers the AWS protocols. Backoffs are a
 * millisecond or two; attempts are counted by the server, never timed.
 */
class CloudWatchExportRetryTest {
  private static final ExportTraceServiceRequest STRANDS = OtlpJson.read(Path.of("src/test/resources/testdata/xray/"
      + "strands_agent_root_segment_named_after_service_events_kept/input.otlp.json"));

  private LoopbackCloudWatch aws;
  private CloudWatchExport export;

  @BeforeEach
  void start() throws Exception {
    aws = new LoopbackCloudWatch();
  }

  @AfterEach
  void stop() {
    if (export != null) {
      export.shutdown().join(10, TimeUnit.SECONDS);
    }
    aws.close();
  }

  private CloudWatchExportConfig.Builder config() {
    return CloudWatchExportConfig.builder()
        .region("us-east-1")
        .xrayEndpoint(aws.endpoint())
        .logsEndpoint(aws.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret")))
        .initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(2));
  }

  private CloudWatchExport run(CloudWatchExportConfig.Builder config) {
    export = CloudWatchExport.create(config.build());
    assertThat(export.forward("t1", STRANDS)).isTrue();
    assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    return export;
  }

  @Test
  void throttlingIsRetriedByTheSdkAndCounted() {
    aws.putTraceSegments = n -> n <= 2 ? Answer.error(429, "ThrottledException") : Answer.ok("{\"UnprocessedTraceSegments\":[]}");
    CloudWatchExport export = run(config().contentLogs(false).emfMetrics(false));

    assertThat(aws.count("PutTraceSegments")).isEqualTo(3);
    assertThat(export.stats().get(Counter.SEGMENTS_SENT)).isEqualTo(4);
    assertThat(export.stats().get(Counter.SEGMENTS_FAILED)).isZero();
    assertThat(export.stats().get(Counter.RETRIES)).isEqualTo(2);
  }

  @Test
  void theBackoffGrowsFromTheConfiguredInitialBackoff() {
    CloudWatchExportConfig config = CloudWatchExportConfig.builder().region("us-east-1")
        .maxAttempts(4).initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2)).build();

    assertThat(config.retryPolicy().maxAttempts()).isEqualTo(4);
    for (int i = 0; i < 20; i++) {
      assertThat(config.retryPolicy().delayBeforeRetry(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(config.retryPolicy().delayBeforeRetry(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }
  }

  @Test
  void retriesExhaustedGiveUpAndCount() {
    aws.putTraceSegments = n -> Answer.error(503, "ServiceUnavailableException");
    CloudWatchExport export = run(config().maxAttempts(3).contentLogs(false).emfMetrics(false));

    assertThat(aws.count("PutTraceSegments")).isEqualTo(3);
    assertThat(export.stats().get(Counter.RETRIES)).isEqualTo(2);
    assertThat(export.stats().get(Counter.SEGMENTS_FAILED)).isEqualTo(4);
    assertThat(export.stats().droppedSpans()).isEqualTo(4);
  }

  @Test
  void aPermanentErrorIsTriedOnceAndCounted() {
    aws.putTraceSegments = n -> Answer.error(400, "InvalidRequestException");
    CloudWatchExport export = run(config().contentLogs(false).emfMetrics(false));

    assertThat(aws.count("PutTraceSegments")).isEqualTo(1);
    assertThat(export.stats().get(Counter.RETRIES)).isZero();
    assertThat(export.stats().get(Counter.SEGMENTS_FAILED)).isEqualTo(4);
  }

  @Test
  void logsThrottlingIsRetriedAndDoesNotStopTraces() {
    aws.putLogEvents = n -> Answer.error(400, "ThrottlingException");
    CloudWatchExport export = run(config().maxAttempts(2));

    assertThat(export.stats().get(Counter.SEGMENTS_SENT)).isEqualTo(4);
    // Throttling (HTTP 400 + throttling code) is retried once, then given up on.
    assertThat(aws.count("PutLogEvents")).isEqualTo(2);
    assertThat(export.stats().get(Counter.LOG_EVENTS_FAILED)).isEqualTo(4);
    assertThat(export.stats().get(Counter.RETRIES)).isEqualTo(1);
  }

  @Test
  void unprocessedSegmentsAreResentInRoundsAndCountedAsRetries() {
    aws.putTraceSegments = n -> n == 1
        ? Answer.ok("{\"UnprocessedTraceSegments\":[{\"Id\":\"c3c3c3c3c3c3c3c3\",\"ErrorCode\":\"ThrottledException\"}]}")
        : Answer.ok("{\"UnprocessedTraceSegments\":[]}");
    CloudWatchExport export = run(config().contentLogs(false).emfMetrics(false));

    assertThat(aws.count("PutTraceSegments")).isEqualTo(2);
    assertThat(export.stats().get(Counter.SEGMENTS_SENT)).isEqualTo(4);
    assertThat(export.stats().get(Counter.RETRIES)).isEqualTo(1);
  }
}
