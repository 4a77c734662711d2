package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.internal.ResourceMapper.ResourceFacts;
import java.time.Instant;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * A readable span with what the orchestrator learnt around it: the tenant, its ids, its resource
 * and the session id other spans of its trace carry. This is what a {@link DialectMapper} reads.
 *
 * @param traceSessionId the session id found on another span of the same trace in the request
 * @param onOddValue where soft issues about this span's attributes go
 * @param scopeName the instrumentation scope that produced the span ("" if none)
 */
record SpanView(
    String tenant,
    SpanIdentity ids,
    Span span,
    Attributes attributes,
    ResourceFacts resource,
    @Nullable String traceSessionId,
    Consumer<String> onOddValue,
    String scopeName) {

  SpanView(
      String tenant,
      SpanIdentity ids,
      Span span,
      Attributes attributes,
      ResourceFacts resource,
      @Nullable String traceSessionId,
      Consumer<String> onOddValue) {
    this(tenant, ids, span, attributes, resource, traceSessionId, onOddValue, "");
  }

  /** This view with the session id another span of the trace carries. */
  SpanView withTraceSessionId(@Nullable String sessionId) {
    return new SpanView(tenant, ids, span, attributes, resource, sessionId, onOddValue, scopeName);
  }

  /** The span's operation: {@code gen_ai.operation.name}, else the span name's first word. */
  String operation() {
    String op = attributes.get(GenAiAttributes.OPERATION_NAME);
    if (op != null) {
      return op;
    }
    String name = span.getName();
    int space = name.indexOf(' ');
    return space < 0 ? name : name.substring(0, space);
  }

  /** True if the span was made by the Strands Agents SDK. */
  boolean isStrands() {
    return scopeName.startsWith("strands")
        || GenAiAttributes.STRANDS_SYSTEM.equals(
            attributes.first(GenAiAttributes.PROVIDER_NAME, GenAiAttributes.SYSTEM));
  }

  /** The attributes of one of this span's events, reporting odd values against this span. */
  Attributes eventAttributes(Span.Event event) {
    return Attributes.of(event.getAttributesList(), onOddValue);
  }

  /** When an event happened: its own time, else the span's start (as the seed falls back). */
  Instant eventTime(Span.Event event) {
    long nanos =
        event.getTimeUnixNano() != 0 ? event.getTimeUnixNano() : span.getStartTimeUnixNano();
    return Instant.ofEpochSecond(0, nanos);
  }

  /** The span's duration in whole milliseconds, or null if its times are missing or reversed. */
  @Nullable
  Long durationMs() {
    long start = span.getStartTimeUnixNano();
    long end = span.getEndTimeUnixNano();
    if (start == 0 || end == 0 || end < start) {
      return null;
    }
    return (end - start) / 1_000_000L;
  }

  /** True for an {@code invoke_agent} span, whose usage is the agent's accumulated total. */
  boolean isAgentSpan() {
    return GenAiAttributes.OPERATION_INVOKE_AGENT.equals(
            attributes.get(GenAiAttributes.OPERATION_NAME))
        || span.getName().startsWith(GenAiAttributes.OPERATION_INVOKE_AGENT);
  }
}
