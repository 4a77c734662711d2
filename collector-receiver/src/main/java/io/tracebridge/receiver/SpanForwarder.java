package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * Forwards accepted spans somewhere else as they came (for example to CloudWatch, for agents that
 * export only to TraceBridge).
 *
 * <p>Called once per export after the records are durable, so a retried export that failed
 * before is not forwarded twice. Best effort and non-blocking: an implementation queues the
 * request in a bounded queue and returns at once; it counts what it drops and never throws.
 */
@FunctionalInterface
public interface SpanForwarder {
  void forward(String tenant, ExportTraceServiceRequest request);
}
