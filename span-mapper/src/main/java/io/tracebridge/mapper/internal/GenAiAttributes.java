package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.internal.AttributeKey.longKey;
import static io.tracebridge.mapper.internal.AttributeKey.stringKey;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.HookEvents;
import io.tracebridge.genai.OpenInference;
import io.tracebridge.genai.OpenLlmetry;
import io.tracebridge.genai.Strands;
import io.tracebridge.genai.TraceBridgeKeys;

/**
 * Every attribute key the mapper reads, declared once with its type. The names are the one
 * vocabulary's ({@code genai-semconv}, {@link io.tracebridge.genai}): the conventions' keys as
 * {@code opentelemetry-semconv} defines them, the other conventions' as we do.
 *
 * <p>Span keys follow the OpenTelemetry GenAI semantic conventions and what Strands emits
 * (including its pre-semconv token names). Hook keys are those the seed's {@code
 * TelemetryCaptureHook} puts on its span events.
 */
final class GenAiAttributes {
  private GenAiAttributes() {}

  // --- Span and resource attributes -------------------------------------------------------

  static final AttributeKey<String> SESSION_ID = stringKey(GenAi.SESSION_ID);
  static final AttributeKey<String> CONVERSATION_ID = stringKey(GenAi.CONVERSATION_ID);
  static final AttributeKey<String> AGENT_NAME = stringKey(GenAi.AGENT_NAME);
  static final AttributeKey<String> AGENT_ID = stringKey(GenAi.AGENT_ID);
  static final AttributeKey<String> OPERATION_NAME = stringKey(GenAi.OPERATION_NAME);
  static final AttributeKey<String> REQUEST_MODEL = stringKey(GenAi.REQUEST_MODEL);
  static final AttributeKey<String> RESPONSE_MODEL = stringKey(GenAi.RESPONSE_MODEL);
  static final AttributeKey<String> PROVIDER_NAME = stringKey(GenAi.PROVIDER_NAME);
  /** The pre-1.37 name of {@link #PROVIDER_NAME}; Strands' default mode still sends it. */
  static final AttributeKey<String> SYSTEM = stringKey(GenAi.SYSTEM);

  static final AttributeKey<String> TOOL_NAME = stringKey(GenAi.TOOL_NAME);
  static final AttributeKey<String> TOOL_CALL_ID = stringKey(GenAi.TOOL_CALL_ID);
  static final AttributeKey<String> TOOL_STATUS = stringKey(Strands.TOOL_STATUS);

  static final AttributeKey<Long> USAGE_INPUT_TOKENS = longKey(GenAi.USAGE_INPUT_TOKENS);
  /** Pre-1.28 name of {@link #USAGE_INPUT_TOKENS}. */
  static final AttributeKey<Long> USAGE_PROMPT_TOKENS = longKey(GenAi.USAGE_PROMPT_TOKENS);
  static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = longKey(GenAi.USAGE_OUTPUT_TOKENS);
  /** Pre-1.28 name of {@link #USAGE_OUTPUT_TOKENS}. */
  static final AttributeKey<Long> USAGE_COMPLETION_TOKENS =
      longKey(GenAi.USAGE_COMPLETION_TOKENS);
  /** Strands' name for cache reads. */
  static final AttributeKey<Long> USAGE_CACHE_READ_INPUT_TOKENS =
      longKey(Strands.USAGE_CACHE_READ_INPUT_TOKENS);
  /** The semantic conventions' name for cache reads. */
  static final AttributeKey<Long> USAGE_CACHE_READ_DOT_INPUT_TOKENS =
      longKey(GenAi.USAGE_CACHE_READ_INPUT_TOKENS);
  /** Strands' name for cache writes. */
  static final AttributeKey<Long> USAGE_CACHE_WRITE_INPUT_TOKENS =
      longKey(Strands.USAGE_CACHE_WRITE_INPUT_TOKENS);
  /** Anthropic-style name for cache writes. */
  static final AttributeKey<Long> USAGE_CACHE_CREATION_INPUT_TOKENS =
      longKey(GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS_UNDERSCORE);
  /** The semantic conventions' name for cache writes. */
  static final AttributeKey<Long> USAGE_CACHE_CREATION_DOT_INPUT_TOKENS =
      longKey(GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS);
  static final AttributeKey<Long> USAGE_REASONING_OUTPUT_TOKENS =
      longKey(GenAi.USAGE_REASONING_OUTPUT_TOKENS);
  /** OpenLLMetry's name for reasoning tokens (its semconv-shaped releases, 0.55 and later). */
  static final AttributeKey<Long> USAGE_REASONING_TOKENS = longKey(OpenLlmetry.USAGE_REASONING_TOKENS);
  /** OpenAI's {@code completion_tokens_details} flattened, as some instrumentations write it. */
  static final AttributeKey<Long> USAGE_OUTPUT_DETAILS_REASONING_TOKENS =
      longKey(GenAi.USAGE_OUTPUT_DETAILS_REASONING_TOKENS);

  static final AttributeKey<Long> USAGE_TOTAL_TOKENS = longKey(GenAi.USAGE_TOTAL_TOKENS);
  static final AttributeKey<String> FINISH_REASONS = stringKey(GenAi.RESPONSE_FINISH_REASONS);
  static final AttributeKey<String> ERROR_TYPE = stringKey(GenAi.ERROR_TYPE);

  // Content (semconv >= 1.37 on spans or on the details event; Strands latest mode)
  static final AttributeKey<String> INPUT_MESSAGES = stringKey(GenAi.INPUT_MESSAGES);
  static final AttributeKey<String> OUTPUT_MESSAGES = stringKey(GenAi.OUTPUT_MESSAGES);
  /** Semconv ≥ 1.37 system instructions: a JSON array of parts (or plain text). */
  static final AttributeKey<String> SYSTEM_INSTRUCTIONS = stringKey(GenAi.SYSTEM_INSTRUCTIONS);
  static final AttributeKey<String> TOOL_CALL_ARGUMENTS = stringKey(GenAi.TOOL_CALL_ARGUMENTS);
  static final AttributeKey<String> TOOL_CALL_RESULT = stringKey(GenAi.TOOL_CALL_RESULT);
  /** The semconv >= 1.37 event carrying the messages of one call. */
  static final String EVENT_OPERATION_DETAILS = GenAi.EVENT_OPERATION_DETAILS;
  static final String EVENT_CHOICE = GenAi.EVENT_CHOICE;
  static final String EVENT_EXCEPTION = GenAi.EVENT_EXCEPTION;
  static final AttributeKey<String> EXCEPTION_TYPE = stringKey(GenAi.EXCEPTION_TYPE);
  static final AttributeKey<String> EXCEPTION_MESSAGE = stringKey(GenAi.EXCEPTION_MESSAGE);
  /** The log-record attribute naming the event a log record is (OTel events, our hook logs). */
  static final AttributeKey<String> EVENT_NAME = stringKey(GenAi.EVENT_NAME);
  /** Our hook log records: the 0-based index of the event name within its span. */
  static final AttributeKey<Long> HOOK_EVENT_ORDINAL = longKey(TraceBridgeKeys.EVENT_ORDINAL);

  /** {@link #SYSTEM}/{@link #PROVIDER_NAME} value of spans the Strands SDK makes. */
  static final String STRANDS_SYSTEM = Strands.SYSTEM_VALUE;

  // --- OpenInference ------------------------------------------------------------------------
  static final AttributeKey<String> OI_SPAN_KIND = stringKey(OpenInference.SPAN_KIND);
  static final AttributeKey<String> OI_INPUT_VALUE = stringKey(OpenInference.INPUT_VALUE);
  static final AttributeKey<String> OI_OUTPUT_VALUE = stringKey(OpenInference.OUTPUT_VALUE);
  static final AttributeKey<String> OI_MODEL_NAME = stringKey(OpenInference.MODEL_NAME);
  static final AttributeKey<String> OI_PROVIDER = stringKey(OpenInference.PROVIDER);
  static final AttributeKey<String> OI_SYSTEM = stringKey(OpenInference.SYSTEM);
  static final AttributeKey<String> OI_FINISH_REASON = stringKey(OpenInference.FINISH_REASON);
  static final AttributeKey<String> OI_TOOL_NAME = stringKey(OpenInference.TOOL_NAME);
  static final AttributeKey<String> OI_TOOL_CALL_ID = stringKey(OpenInference.TOOL_CALL_ID);
  static final AttributeKey<String> OI_TOOL_ID = stringKey(OpenInference.TOOL_ID);
  static final AttributeKey<Long> OI_TOKENS_PROMPT = longKey(OpenInference.TOKENS_PROMPT);
  static final AttributeKey<Long> OI_TOKENS_COMPLETION = longKey(OpenInference.TOKENS_COMPLETION);
  static final AttributeKey<Long> OI_TOKENS_TOTAL = longKey(OpenInference.TOKENS_TOTAL);
  static final AttributeKey<Long> OI_TOKENS_CACHE_READ =
      longKey(OpenInference.TOKENS_CACHE_READ);
  static final AttributeKey<Long> OI_TOKENS_CACHE_WRITE =
      longKey(OpenInference.TOKENS_CACHE_WRITE);
  static final AttributeKey<Long> OI_TOKENS_REASONING =
      longKey(OpenInference.TOKENS_REASONING);
  static final String OI_INPUT_MESSAGES = OpenInference.INPUT_MESSAGES_PREFIX;
  static final String OI_OUTPUT_MESSAGES = OpenInference.OUTPUT_MESSAGES_PREFIX;

  // --- OpenLLMetry (Traceloop) ---------------------------------------------------------------
  /** {@code chat}, {@code completion}, {@code embedding}, ... on an OpenLLMetry model span. */
  static final AttributeKey<String> OL_REQUEST_TYPE = stringKey(OpenLlmetry.REQUEST_TYPE);
  /** Flattened input messages: {@code gen_ai.prompt.N.role|content|tool_call_id|tool_calls.M.*}. */
  static final String OL_PROMPTS = GenAi.PROMPT_PREFIX;
  /** Flattened output messages: {@code gen_ai.completion.N.role|content|finish_reason|...}. */
  static final String OL_COMPLETIONS = GenAi.COMPLETION_PREFIX;
  static final AttributeKey<Long> OL_TOKENS_TOTAL = longKey(OpenLlmetry.TOKENS_TOTAL);
  static final AttributeKey<Long> OL_TOKENS_REASONING = longKey(OpenLlmetry.TOKENS_REASONING);
  /** Traceloop SDK decorators: {@code workflow}, {@code task}, {@code agent}, {@code tool}. */
  static final AttributeKey<String> TRACELOOP_SPAN_KIND = stringKey(OpenLlmetry.SPAN_KIND);
  /** The decorated function's arguments, JSON {@code {"args": [...], "kwargs": {...}}}. */
  static final AttributeKey<String> TRACELOOP_ENTITY_INPUT = stringKey(OpenLlmetry.ENTITY_INPUT);
  /** The decorated function's return value, as JSON. */
  static final AttributeKey<String> TRACELOOP_ENTITY_OUTPUT = stringKey(OpenLlmetry.ENTITY_OUTPUT);
  /** Set by the SDK on every span under a {@code @workflow} or {@code @agent}. */
  static final AttributeKey<String> TRACELOOP_WORKFLOW_NAME = stringKey(OpenLlmetry.WORKFLOW_NAME);
  /** The SDK's standard association property for the session ({@code AssociationProperty.SESSION_ID}). */
  static final AttributeKey<String> TRACELOOP_SESSION_ID =
      stringKey(OpenLlmetry.SESSION_ID);

  /** The decorated function's name ({@code @agent(name=...)}), on a Traceloop SDK span. */
  static final AttributeKey<String> TRACELOOP_ENTITY_NAME = stringKey(OpenLlmetry.ENTITY_NAME);
  /** OpenInference's agent name ({@code agent.name}), on an {@code AGENT} span. */
  static final AttributeKey<String> OI_AGENT_NAME = stringKey(OpenInference.AGENT_NAME);

  /** The {@link #OPERATION_NAME} (and span-name prefix) of an agent span. */
  static final String OPERATION_INVOKE_AGENT = GenAi.OP_INVOKE_AGENT;

  // --- Hook-event attributes (TelemetryCaptureHook) -----------------------------------------

  static final AttributeKey<String> HOOK_AGENT_PROMPT = stringKey(HookEvents.KEY_AGENT_PROMPT);
  static final AttributeKey<String> HOOK_AGENT_RESPONSE = stringKey(HookEvents.KEY_AGENT_RESPONSE);
  static final AttributeKey<Long> HOOK_AGENT_INPUT_TOKENS = longKey(HookEvents.KEY_AGENT_INPUT_TOKENS);
  static final AttributeKey<Long> HOOK_AGENT_OUTPUT_TOKENS = longKey(HookEvents.KEY_AGENT_OUTPUT_TOKENS);

  static final AttributeKey<String> HOOK_MODEL_NAME = stringKey(HookEvents.KEY_MODEL_NAME);
  static final AttributeKey<String> HOOK_MODEL_PROMPT = stringKey(HookEvents.KEY_MODEL_PROMPT);
  static final AttributeKey<String> HOOK_MODEL_RESPONSE = stringKey(HookEvents.KEY_MODEL_RESPONSE);
  static final AttributeKey<String> HOOK_MODEL_FINISH_REASON = stringKey(HookEvents.KEY_MODEL_FINISH_REASON);
  static final AttributeKey<String> HOOK_MODEL_REASONING = stringKey(HookEvents.KEY_MODEL_REASONING);
  static final AttributeKey<Long> HOOK_MODEL_INPUT_TOKENS = longKey(HookEvents.KEY_MODEL_INPUT_TOKENS);
  static final AttributeKey<Long> HOOK_MODEL_OUTPUT_TOKENS = longKey(HookEvents.KEY_MODEL_OUTPUT_TOKENS);

  static final AttributeKey<String> HOOK_TOOL_NAME = stringKey(HookEvents.KEY_TOOL_NAME);
  static final AttributeKey<String> HOOK_TOOL_INPUT = stringKey(HookEvents.KEY_TOOL_INPUT);
  static final AttributeKey<String> HOOK_TOOL_OUTPUT = stringKey(HookEvents.KEY_TOOL_OUTPUT);
  static final AttributeKey<String> HOOK_TOOL_STATUS = stringKey(HookEvents.KEY_TOOL_STATUS);

  /** Set instead of the event's own attributes when the hook itself failed. */
  static final AttributeKey<String> HOOK_TRACE_PARSING_ERROR = stringKey(HookEvents.KEY_TRACE_PARSING_ERROR);

  /**
   * Every token count key of every convention read here (GenAI semconv and its older names,
   * OpenLLMetry, OpenInference, the seed hook's events): the counts {@link TokenCountCheck}
   * validates, on a span, its events and the events' {@code span.} copies.
   */
  static final java.util.List<AttributeKey<Long>> TOKEN_COUNTS = java.util.List.of(
      USAGE_INPUT_TOKENS, USAGE_PROMPT_TOKENS, USAGE_OUTPUT_TOKENS, USAGE_COMPLETION_TOKENS,
      USAGE_CACHE_READ_INPUT_TOKENS, USAGE_CACHE_READ_DOT_INPUT_TOKENS,
      USAGE_CACHE_WRITE_INPUT_TOKENS, USAGE_CACHE_CREATION_INPUT_TOKENS,
      USAGE_CACHE_CREATION_DOT_INPUT_TOKENS, USAGE_REASONING_OUTPUT_TOKENS,
      USAGE_REASONING_TOKENS, USAGE_OUTPUT_DETAILS_REASONING_TOKENS, USAGE_TOTAL_TOKENS,
      OI_TOKENS_PROMPT, OI_TOKENS_COMPLETION, OI_TOKENS_TOTAL, OI_TOKENS_CACHE_READ,
      OI_TOKENS_CACHE_WRITE, OI_TOKENS_REASONING, OL_TOKENS_TOTAL, OL_TOKENS_REASONING,
      HOOK_AGENT_INPUT_TOKENS, HOOK_AGENT_OUTPUT_TOKENS, HOOK_MODEL_INPUT_TOKENS,
      HOOK_MODEL_OUTPUT_TOKENS);
}
