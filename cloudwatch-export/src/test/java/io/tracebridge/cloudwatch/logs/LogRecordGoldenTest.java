package io.tracebridge.cloudwatch.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import io.tracebridge.mapper.GoldenFiles;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases of log-record forwarding ({@link LogRecordMapper}): {@code
 * testdata/logrecords/<behaviour>/input.logs.otlp.json} (OTLP/JSON as the producer sent it; the
 * ADOT case is the ADOT Python distro's capture that span-mapper's golden tests also read) to
 * {@code expected.events.json}, the CloudWatch Logs events. Optional {@code config.json}: {@code
 * maxLogMessageBytes}. Regenerate with {@code -Dgolden.update=true} (fails on purpose).
 */
class LogRecordGoldenTest {
  private static final String INPUT = "input.logs.otlp.json";
  private static final ObjectMapper JSON = SegmentJson.mapper().copy()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  static Stream<Arguments> cases() {
    return GoldenFiles.cases(INPUT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mapsAsExpected(Path caseDir) throws IOException {
    ExportLogsServiceRequest request = OtlpJsonCodec.parseLogs(Files.readAllBytes(caseDir.resolve(INPUT)));
    JsonNode config = Files.exists(caseDir.resolve("config.json"))
        ? JSON.readTree(caseDir.resolve("config.json").toFile())
        : JSON.createObjectNode();
    int max = config.path("maxLogMessageBytes").asInt(LogEventBatcher.MAX_MESSAGE_BYTES);
    LogRecordMapper mapper = new LogRecordMapper(max);
    List<JsonNode> events = new ArrayList<>();
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          LogEvent event = mapper.event(resourceLogs.getResource(), scopeLogs.getScope(), record, "tenant-golden", 0L);
          assertThat(event.messageBytes()).isLessThanOrEqualTo(max);
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("timestamp", event.timestampMillis());
          entry.put("truncated", event.truncated());
          entry.put("message", JSON.readTree(event.message()));
          events.add(JSON.valueToTree(entry));
        }
      }
    }
    assertThat(events).isNotEmpty();
    GoldenFiles.verify(caseDir, Map.of("events", events), JSON);
  }
}
