package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.cloudwatch.ExportStats.Counter;
import io.tracebridge.cloudwatch.FakeClients.FakeLogs;
import io.tracebridge.cloudwatch.FakeClients.FakeXRay;
import io.tracebridge.cloudwatch.FakeClients.RecordingSleeper;
import io.tracebridge.aws.TransportRetryPolicy;
import io.tracebridge.cloudwatch.internal.ExportRetries;
import io.tracebridge.cloudwatch.internal.ThrottledLogger;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import software.amazon.awssdk.services.xray.model.PutTraceSegmentsResponse;
import software.amazon.awssdk.services.xray.model.UnprocessedTraceSegment;

/**
 * The pipeline's failure behaviour, with scripted clients and no network. Retries of failed calls
 * are the SDK's (its standard strategy inside a real client): {@link CloudWatchExportRetryTest}.
 */
class CloudWatchExportTest {
  private static final ExportTraceServiceRequest STRANDS = OtlpJson.read(Path.of("src/test/resources/testdata/xray/"
      + "strands_agent_root_segment_named_after_service_events_kept/input.otlp.json"));
  private static final ExportTraceServiceRequest MANY = OtlpJson.read(Path.of("src/test/resources/testdata/xray/"
      + "one_hundred_twenty_spans_in_batches_of_fifty/input.otlp.json"));

  private final FakeXRay xray = new FakeXRay();
  private final FakeLogs logs = new FakeLogs();
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  private CloudWatchExport export;

  private CloudWatchExport export(CloudWatchExportConfig.Builder config) {
    CloudWatchExportConfig built = config.region("us-east-1").build();
    ExportRetries retries = new ExportRetries(new TransportRetryPolicy(built.maxAttempts(), Duration.ofMillis(100), Duration.ofSeconds(2)), sleeper);
    Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
        (proxy, method, args) -> {
          if (method.getName().equals("warn")) {
            warnings.add(String.valueOf(args[0]));
          }
          return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
        });
    export = new CloudWatchExport(built, xray, logs, null, retries, Clock.systemUTC(),
        new ThrottledLogger(logger, Duration.ofMinutes(1), System::nanoTime), List.of());
    return export;
  }

  @AfterEach
  void shutdown() {
    if (export != null) {
      export.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sendsSegmentsContentLogsAndEmf() {
    CloudWatchExport export = export(CloudWatchExportConfig.builder());
    assertThat(export.forward("t1", STRANDS)).isTrue();
    assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    assertThat(xray.documentsSent()).isEqualTo(4);
    assertThat(export.stats().get(Counter.SEGMENTS_SENT)).isEqualTo(4);
    // 3 spans with content + 1 EMF line (the chat span only).
    assertThat(export.stats().get(Counter.LOG_EVENTS_SENT)).isEqualTo(4);
    assertThat(logs.created).containsExactly("group /tracebridge/agents", "stream tracebridge");
    assertThat(logs.puts.get(0).logEvents()).anyMatch(e -> e.message().startsWith("{\"_aws\""));
    assertThat(export.stats().droppedSpans()).isZero();
  }

  @Test
  void withoutSpanContentSegmentsHoldNoPromptsWhileTheContentLogEventsStillDo() {
    CloudWatchExport export = export(CloudWatchExportConfig.builder().spanContent(false));
    assertThat(export.forward("t1", STRANDS)).isTrue();
    assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    List<String> documents = xray.calls.stream().flatMap(c -> c.traceSegmentDocuments().stream()).toList();
    assertThat(documents).hasSize(4);
    String segments = String.join("\n", documents);
    assertThat(segments).doesNotContain("What is 6 times 7?").doesNotContain("You are a calculator.")
        .doesNotContain("6 times 7 is 42.").doesNotContain("expression")
        .contains("\"tracebridge.content.removed\":true")
        .contains("\"gen_ai_usage_total_tokens\":1730")
        .contains("\"log_group\":\"/tracebridge/agents\"");
    String logEvents = String.join("\n", logs.puts.stream().flatMap(p -> p.logEvents().stream())
        .map(e -> e.message()).toList());
    assertThat(logEvents).contains("What is 6 times 7?").contains("You are a calculator.").contains("6 times 7 is 42.");
    assertThat(export.stats().get(Counter.LOG_EVENTS_SENT)).isEqualTo(4);
  }

  @Test
  void slowEndpointNeverBlocksTheCallerAndTheQueueIsBounded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    xray.behaviour = r -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return PutTraceSegmentsResponse.builder().build();
    };
    CloudWatchExport export = export(CloudWatchExportConfig.builder().maxQueuedSpans(10).workers(1).contentLogs(false).emfMetrics(false));

    long start = System.nanoTime();
    List<Boolean> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accepted.add(export.forward("t1", STRANDS)); // 4 spans each
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(elapsedMillis).as("forward() returns at once").isLessThan(1000);
    assertThat(accepted).containsExactly(true, true, false, false, false);
    assertThat(export.stats().get(Counter.SPANS_DROPPED_QUEUE_FULL)).isEqualTo(12);
    assertThat(warnings).as("one throttled log line for the drops").hasSize(1);
    assertThat(warnings.get(0)).contains("dropped");

    release.countDown();
    assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(export.stats().get(Counter.SEGMENTS_SENT)).isEqualTo(8);
    assertThat(export.queuedSpans()).isZero();
  }

  @Test
  void permanentErrorIsNotRetriedAndIsCounted() {
    xray.behaviour = r -> {
      throw FakeClients.xrayError(400, "InvalidRequestException");
    };
    CloudWatchExport export = export(CloudWatchExportConfig.builder().contentLogs(false).emfMetrics(false));
    export.forward("t1", STRANDS);
    export.flush().join(10, TimeUnit.SECONDS);

    assertThat(xray.calls).hasSize(1);
    assertThat(export.stats().get(Counter.RETRIES)).isZero();
    assertThat(export.stats().get(Counter.SEGMENTS_FAILED)).isEqualTo(4);
    assertThat(export.stats().droppedSpans()).isEqualTo(4);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("X-Ray");
  }

  @Test
  void unprocessedSegmentsAreRetriedOnlyWhenTheyCanHeal() {
    int[] calls = {0};
    xray.behaviour = r -> {
      calls[0]++;
      if (calls[0] == 1) {
        return PutTraceSegmentsResponse.builder().unprocessedTraceSegments(
            UnprocessedTraceSegment.builder().id("c3c3c3c3c3c3c3c3").errorCode("ThrottledException").build(),
            UnprocessedTraceSegment.builder().id("d4d4d4d4d4d4d4d4").errorCode("MissingParam").build()).build();
      }
      return PutTraceSegmentsResponse.builder().build();
    };
    CloudWatchExport export = export(CloudWatchExportConfig.builder().contentLogs(false).emfMetrics(false));
    export.forward("t1", STRANDS);
    export.flush().join(10, TimeUnit.SECONDS);

    assertThat(xray.calls).hasSize(2);
    assertThat(xray.calls.get(1).traceSegmentDocuments()).hasSize(1).allMatch(d -> d.contains("c3c3c3c3c3c3c3c3"));
    assertThat(export.stats().get(Counter.SEGMENTS_SENT)).isEqualTo(3);
    assertThat(export.stats().get(Counter.SEGMENTS_FAILED)).isEqualTo(1);
  }

  @Test
  void sendsAtMostFiftySegmentsPerCall() {
    CloudWatchExport export = export(CloudWatchExportConfig.builder().contentLogs(false).emfMetrics(false));
    export.forward("t1", MANY);
    export.flush().join(10, TimeUnit.SECONDS);

    assertThat(xray.calls).extracting(c -> c.traceSegmentDocuments().size()).containsExactly(50, 50, 20);
  }

  @Test
  void afterShutdownRequestsAreDroppedAndCounted() {
    CloudWatchExport export = export(CloudWatchExportConfig.builder());
    assertThat(export.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(export.forward("t1", STRANDS)).isFalse();
    assertThat(export.stats().get(Counter.SPANS_DROPPED_SHUTDOWN)).isEqualTo(4);
  }
}
