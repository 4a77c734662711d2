/**
 * Internal machinery of {@link io.tracebridge.mapper.SpanMapper}; not a supported API.
 *
 * <p>One class per concern, each a pure function of its input:
 *
 * <ul>
 *   <li>{@link io.tracebridge.mapper.internal.RequestMapper}: the orchestrator (validate, index,
 *       hand each readable span to every dialect mapper);
 *   <li>{@code SpanIdentity}: trace, span and parent ids, and why a span is unreadable;
 *   <li>{@code ResourceMapper}: what a resource says about its spans;
 *   <li>{@code CommonFieldsMapper}: the fields every record of a span shares (ids, session,
 *       agent, model, provider);
 *   <li>{@code UsageReader}: token counts under their old and new attribute names;
 *   <li>{@code ToolCallMapper}: the tool part of tool records;
 *   <li>{@code HookEventMapper}: the hook-event convention ({@code Dialect.HOOK_EVENTS});
 *   <li>{@code GenAiSpanMapper}, {@code GenAiContentReader}: Strands native and GenAI semconv
 *       spans; {@code OpenInferenceMapper}: OpenInference spans; {@code OpenLlmetryMapper}:
 *       OpenLLMetry (Traceloop) spans; {@code ErrorMapper}: error
 *       records; {@code MessageParser}, {@code ChatMessage}, {@code ChatContent}: message content
 *       in every shape, normalised;
 *   <li>{@link io.tracebridge.mapper.internal.LogsMapper}: hook-event log records, GenAI event log
 *       records and ADOT content logs;
 *   <li>{@code GenAiAttributes}, {@code AttributeKey}, {@code Attributes}: typed attribute keys
 *       and a read-only, never-throwing view over OTLP attributes.
 * </ul>
 *
 * <p>Another input convention is added as another {@code DialectMapper} and registered in
 * {@code RequestMapper}'s precedence list, the one place that decides which convention wins.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.mapper.internal;

import javax.annotation.ParametersAreNonnullByDefault;
