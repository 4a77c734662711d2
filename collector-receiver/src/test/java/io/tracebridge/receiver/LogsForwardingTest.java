package io.tracebridge.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.tracebridge.mapper.SpanMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stored log records are handed to the log forwarders (CloudWatch Logs), once, and only once stored. */
class LogsForwardingTest {
  private record Forwarded(String tenant, ExportLogsServiceRequest request) {}

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static ExportLogsServiceRequest hookRecord() {
    byte[] trace = new byte[16];
    byte[] span = new byte[8];
    trace[15] = 7;
    span[7] = 9;
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder().addAttributes(kv("service.name", "agent")))
        .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.tracebridge.runtime.hooks"))
            .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1_735_725_600_000_000_000L)
                .setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span))
                .addAttributes(kv("event.name", "agent_prompt")).addAttributes(kv("agent.prompt", "hi"))
                .addAttributes(kv("span.session.id", "s-1")))))
        .build();
  }

  @Test
  void forwardedOnceAfterTheRecordsAreDurable() throws Exception {
    GatedTraceSink durable = new GatedTraceSink();
    List<Forwarded> forwarded = Collections.synchronizedList(new ArrayList<>());
    LogsExportHandler handler = new LogsExportHandler(new SpanMapper(), durable,
        List.of((tenant, request) -> forwarded.add(new Forwarded(tenant, request))));
    ExportLogsServiceRequest request = hookRecord();

    CompletionStage<ExportOutcome> outcome = handler.export("acme", request);
    durable.awaitCalls(1);
    assertThat(forwarded).as("nothing forwarded before the store has the records").isEmpty();
    durable.releaseAll();
    outcome.toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(forwarded).containsExactly(new Forwarded("acme", request));
  }

  @Test
  void withoutForwardersNothingChanges() throws Exception {
    RecordingTraceSink durable = new RecordingTraceSink();
    LogsExportHandler handler = new LogsExportHandler(new SpanMapper(), durable);
    ExportOutcome outcome = handler.export("acme", hookRecord()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(outcome.rejected()).isZero();
    assertThat(durable.records()).isNotEmpty();
  }
}
