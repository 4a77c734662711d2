package io.tracebridge.genai;

/**
 * OpenLLMetry's (Traceloop's) keys beyond the conventions' ({@link GenAi}; its flattened messages
 * are {@link GenAi#PROMPT_PREFIX} and {@link GenAi#COMPLETION_PREFIX}).
 */
public final class OpenLlmetry {
  private OpenLlmetry() {}

  /** {@code chat}, {@code completion}, {@code embedding}, ... on an OpenLLMetry model span. */
  public static final String REQUEST_TYPE = "llm.request.type";
  public static final String TOKENS_TOTAL = "llm.usage.total_tokens";
  public static final String TOKENS_REASONING = "llm.usage.reasoning_tokens";
  /** Reasoning tokens in its semconv-shaped releases (0.55 and later). */
  public static final String USAGE_REASONING_TOKENS = "gen_ai.usage.reasoning_tokens";
  /** Traceloop SDK decorators: {@code workflow}, {@code task}, {@code agent}, {@code tool}. */
  public static final String SPAN_KIND = "traceloop.span.kind";
  /** The decorated function's arguments, JSON {@code {"args": [...], "kwargs": {...}}}. */
  public static final String ENTITY_INPUT = "traceloop.entity.input";
  /** The decorated function's return value, as JSON. */
  public static final String ENTITY_OUTPUT = "traceloop.entity.output";
  /** The decorated function's name ({@code @agent(name=...)}). */
  public static final String ENTITY_NAME = "traceloop.entity.name";
  /** Set by the SDK on every span under a {@code @workflow} or {@code @agent}. */
  public static final String WORKFLOW_NAME = "traceloop.workflow.name";
  /** The SDK's standard association property for the session. */
  public static final String SESSION_ID = "traceloop.association.properties.session_id";
}
