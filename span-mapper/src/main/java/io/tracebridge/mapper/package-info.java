/**
 * The functional record model and the pure mapping from OTLP spans to it.
 *
 * <p>{@link io.tracebridge.mapper.FunctionalRecord} is the one output type of TraceBridge: one
 * record per functional step of an agent run (prompt, model request and response, reasoning, tool
 * request and response, answer, error). {@link io.tracebridge.mapper.SpanMapper} turns OTLP
 * {@code ResourceSpans} into records with no I/O; {@link io.tracebridge.mapper.TraceAssembly}
 * assembles a trace's records across export requests with the span topology ({@link
 * io.tracebridge.mapper.SpanNode}) the mapper gives; {@link io.tracebridge.mapper.TraceUsage} and
 * {@link io.tracebridge.mapper.SpanUsage} hold the one definition of token usage. Everything here
 * is immutable and thread-safe.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.mapper;

import javax.annotation.ParametersAreNonnullByDefault;
