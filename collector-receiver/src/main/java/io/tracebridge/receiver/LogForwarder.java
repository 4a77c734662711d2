package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/**
 * Forwards accepted log records somewhere else as they came (for example to CloudWatch Logs: ADOT
 * content logs, GenAI events and the runtime's hook-event records), the logs counterpart of
 * {@link SpanForwarder}.
 *
 * <p>Called once per export after the records are durable. Best effort and non-blocking: an
 * implementation queues the request in a bounded queue and returns at once; it counts what it
 * drops and never throws.
 */
@FunctionalInterface
public interface LogForwarder {
  void forward(String tenant, ExportLogsServiceRequest request);
}
