/**
 * TraceBridge's one GenAI vocabulary: every attribute key and event name it reads from spans and
 * log records and writes onto them, as {@code String} constants, declared once.
 *
 * <ul>
 *   <li>{@link io.tracebridge.genai.GenAi}: the OpenTelemetry GenAI semantic conventions. Keys
 *       that {@code opentelemetry-semconv} / {@code opentelemetry-semconv-incubating} define are
 *       taken from there ({@code GEN_AI_OPERATION_NAME.getKey()}, ...); the conventions' keys the
 *       Java artifacts do not carry (the any-typed message attributes, the event names) and the
 *       names producers use beside them are defined here;
 *   <li>{@link io.tracebridge.genai.Strands}: what the Strands Agents SDK writes beyond them;
 *   <li>{@link io.tracebridge.genai.OpenInference}, {@link io.tracebridge.genai.OpenLlmetry}: the
 *       other conventions PRODUCT.md lists;
 *   <li>{@link io.tracebridge.genai.HookEvents}: the seed's {@code TelemetryCaptureHook} events;
 *   <li>{@link io.tracebridge.genai.TraceBridgeKeys}: our own {@code tracebridge.*} keys.
 * </ul>
 *
 * Constants built from a literal are compile-time constants (usable in {@code switch}); those taken
 * from the semconv artifacts are not. No behaviour here: which spans are model calls and how usage
 * counts is span-mapper's {@code UsageRule}.
 */
package io.tracebridge.genai;
