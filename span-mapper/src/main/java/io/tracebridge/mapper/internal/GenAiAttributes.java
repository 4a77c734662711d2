package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.internal.AttributeKey.longKey;
import static io.tracebridge.mapper.internal.AttributeKey.stringKey;

/**
 * Every attribute key the mapper reads, declared once with its type.
 *
 * <p>Span keys follow the OpenTelemetry GenAI semantic conventions and what Strands emits
 * (including its pre-semconv token names). Hook keys are those the seed's {@code
 * TelemetryCaptureHook} puts on its span events.
 */
final class GenAiAttributes {
  private GenAiAttributes() {}

  // --- Span and resource attributes -------------------------------------------------------

  static final AttributeKey<String> SESSION_ID = stringKey("session.id");
  static final AttributeKey<String> CONVERSATION_ID = stringKey("gen_ai.conversation.id");
  static final AttributeKey<String> AGENT_NAME = stringKey("gen_ai.agent.name");
  static final AttributeKey<String> AGENT_ID = stringKey("gen_ai.agent.id");
  static final AttributeKey<String> OPERATION_NAME = stringKey("gen_ai.operation.name");
  static final AttributeKey<String> REQUEST_MODEL = stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL = stringKey("gen_ai.response.model");
  static final AttributeKey<String> PROVIDER_NAME = stringKey("gen_ai.provider.name");
  /** The pre-1.37 name of {@link #PROVIDER_NAME}; Strands' default mode still sends it. */
  static final AttributeKey<String> SYSTEM = stringKey("gen_ai.system");

  static final AttributeKey<String> TOOL_NAME = stringKey("gen_ai.tool.name");
  static final AttributeKey<String> TOOL_CALL_ID = stringKey("gen_ai.tool.call.id");
  static final AttributeKey<String> TOOL_STATUS = stringKey("gen_ai.tool.status");

  static final AttributeKey<Long> USAGE_INPUT_TOKENS = longKey("gen_ai.usage.input_tokens");
  /** Pre-1.28 name of {@link #USAGE_INPUT_TOKENS}. */
  static final AttributeKey<Long> USAGE_PROMPT_TOKENS = longKey("gen_ai.usage.prompt_tokens");
  static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = longKey("gen_ai.usage.output_tokens");
  /** Pre-1.28 name of {@link #USAGE_OUTPUT_TOKENS}. */
  static final AttributeKey<Long> USAGE_COMPLETION_TOKENS =
      longKey("gen_ai.usage.completion_tokens");
  /** Strands' name for cache reads. */
  static final AttributeKey<Long> USAGE_CACHE_READ_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_read_input_tokens");
  /** The semantic conventions' name for cache reads. */
  static final AttributeKey<Long> USAGE_CACHE_READ_DOT_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_read.input_tokens");
  /** Strands' name for cache writes. */
  static final AttributeKey<Long> USAGE_CACHE_WRITE_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_write_input_tokens");
  /** Anthropic-style name for cache writes. */
  static final AttributeKey<Long> USAGE_CACHE_CREATION_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_creation_input_tokens");
  /** The semantic conventions' name for cache writes. */
  static final AttributeKey<Long> USAGE_CACHE_CREATION_DOT_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_creation.input_tokens");
  static final AttributeKey<Long> USAGE_REASONING_OUTPUT_TOKENS =
      longKey("gen_ai.usage.reasoning.output_tokens");
  /** OpenLLMetry's name for reasoning tokens (its semconv-shaped releases, 0.55 and later). */
  static final AttributeKey<Long> USAGE_REASONING_TOKENS = longKey("gen_ai.usage.reasoning_tokens");
  /** OpenAI's {@code completion_tokens_details} flattened, as some instrumentations write it. */
  static final AttributeKey<Long> USAGE_OUTPUT_DETAILS_REASONING_TOKENS =
      longKey("gen_ai.usage.output_tokens_details.reasoning_tokens");

  static final AttributeKey<Long> USAGE_TOTAL_TOKENS = longKey("gen_ai.usage.total_tokens");
  static final AttributeKey<String> FINISH_REASONS = stringKey("gen_ai.response.finish_reasons");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

  // Content (semconv >= 1.37 on spans or on the details event; Strands latest mode)
  static final AttributeKey<String> INPUT_MESSAGES = stringKey("gen_ai.input.messages");
  static final AttributeKey<String> OUTPUT_MESSAGES = stringKey("gen_ai.output.messages");
  /** Semconv ≥ 1.37 system instructions: a JSON array of parts (or plain text). */
  static final AttributeKey<String> SYSTEM_INSTRUCTIONS = stringKey("gen_ai.system_instructions");
  static final AttributeKey<String> TOOL_CALL_ARGUMENTS = stringKey("gen_ai.tool.call.arguments");
  static final AttributeKey<String> TOOL_CALL_RESULT = stringKey("gen_ai.tool.call.result");
  /** The semconv >= 1.37 event carrying the messages of one call. */
  static final String EVENT_OPERATION_DETAILS = "gen_ai.client.inference.operation.details";
  static final String EVENT_CHOICE = "gen_ai.choice";
  static final String EVENT_EXCEPTION = "exception";
  static final AttributeKey<String> EXCEPTION_TYPE = stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = stringKey("exception.message");
  /** The log-record attribute naming the event a log record is (OTel events, our hook logs). */
  static final AttributeKey<String> EVENT_NAME = stringKey("event.name");
  /** Our hook log records: the 0-based index of the event name within its span. */
  static final AttributeKey<Long> HOOK_EVENT_ORDINAL = longKey("tracebridge.event.ordinal");

  /** {@link #SYSTEM}/{@link #PROVIDER_NAME} value of spans the Strands SDK makes. */
  static final String STRANDS_SYSTEM = "strands-agents";

  // --- OpenInference ------------------------------------------------------------------------
  static final AttributeKey<String> OI_SPAN_KIND = stringKey("openinference.span.kind");
  static final AttributeKey<String> OI_INPUT_VALUE = stringKey("input.value");
  static final AttributeKey<String> OI_OUTPUT_VALUE = stringKey("output.value");
  static final AttributeKey<String> OI_MODEL_NAME = stringKey("llm.model_name");
  static final AttributeKey<String> OI_PROVIDER = stringKey("llm.provider");
  static final AttributeKey<String> OI_SYSTEM = stringKey("llm.system");
  static final AttributeKey<String> OI_FINISH_REASON = stringKey("llm.finish_reason");
  static final AttributeKey<String> OI_TOOL_NAME = stringKey("tool.name");
  static final AttributeKey<String> OI_TOOL_CALL_ID = stringKey("tool_call.id");
  static final AttributeKey<String> OI_TOOL_ID = stringKey("tool.id");
  static final AttributeKey<Long> OI_TOKENS_PROMPT = longKey("llm.token_count.prompt");
  static final AttributeKey<Long> OI_TOKENS_COMPLETION = longKey("llm.token_count.completion");
  static final AttributeKey<Long> OI_TOKENS_TOTAL = longKey("llm.token_count.total");
  static final AttributeKey<Long> OI_TOKENS_CACHE_READ =
      longKey("llm.token_count.prompt_details.cache_read");
  static final AttributeKey<Long> OI_TOKENS_CACHE_WRITE =
      longKey("llm.token_count.prompt_details.cache_write");
  static final AttributeKey<Long> OI_TOKENS_REASONING =
      longKey("llm.token_count.completion_details.reasoning");
  static final String OI_INPUT_MESSAGES = "llm.input_messages.";
  static final String OI_OUTPUT_MESSAGES = "llm.output_messages.";

  // --- OpenLLMetry (Traceloop) ---------------------------------------------------------------
  /** {@code chat}, {@code completion}, {@code embedding}, ... on an OpenLLMetry model span. */
  static final AttributeKey<String> OL_REQUEST_TYPE = stringKey("llm.request.type");
  /** Flattened input messages: {@code gen_ai.prompt.N.role|content|tool_call_id|tool_calls.M.*}. */
  static final String OL_PROMPTS = "gen_ai.prompt.";
  /** Flattened output messages: {@code gen_ai.completion.N.role|content|finish_reason|...}. */
  static final String OL_COMPLETIONS = "gen_ai.completion.";
  static final AttributeKey<Long> OL_TOKENS_TOTAL = longKey("llm.usage.total_tokens");
  static final AttributeKey<Long> OL_TOKENS_REASONING = longKey("llm.usage.reasoning_tokens");
  /** Traceloop SDK decorators: {@code workflow}, {@code task}, {@code agent}, {@code tool}. */
  static final AttributeKey<String> TRACELOOP_SPAN_KIND = stringKey("traceloop.span.kind");
  /** The decorated function's arguments, JSON {@code {"args": [...], "kwargs": {...}}}. */
  static final AttributeKey<String> TRACELOOP_ENTITY_INPUT = stringKey("traceloop.entity.input");
  /** The decorated function's return value, as JSON. */
  static final AttributeKey<String> TRACELOOP_ENTITY_OUTPUT = stringKey("traceloop.entity.output");
  /** Set by the SDK on every span under a {@code @workflow} or {@code @agent}. */
  static final AttributeKey<String> TRACELOOP_WORKFLOW_NAME = stringKey("traceloop.workflow.name");
  /** The SDK's standard association property for the session ({@code AssociationProperty.SESSION_ID}). */
  static final AttributeKey<String> TRACELOOP_SESSION_ID =
      stringKey("traceloop.association.properties.session_id");

  /** The decorated function's name ({@code @agent(name=...)}), on a Traceloop SDK span. */
  static final AttributeKey<String> TRACELOOP_ENTITY_NAME = stringKey("traceloop.entity.name");
  /** OpenInference's agent name ({@code agent.name}), on an {@code AGENT} span. */
  static final AttributeKey<String> OI_AGENT_NAME = stringKey("agent.name");

  /** The {@link #OPERATION_NAME} (and span-name prefix) of an agent span. */
  static final String OPERATION_INVOKE_AGENT = "invoke_agent";

  // --- Hook-event attributes (TelemetryCaptureHook) -----------------------------------------

  static final AttributeKey<String> HOOK_AGENT_PROMPT = stringKey("agent.prompt");
  static final AttributeKey<String> HOOK_AGENT_RESPONSE = stringKey("agent.response");
  static final AttributeKey<Long> HOOK_AGENT_INPUT_TOKENS = longKey("agent.input_tokens");
  static final AttributeKey<Long> HOOK_AGENT_OUTPUT_TOKENS = longKey("agent.output_tokens");

  static final AttributeKey<String> HOOK_MODEL_NAME = stringKey("model.name");
  static final AttributeKey<String> HOOK_MODEL_PROMPT = stringKey("model.prompt");
  static final AttributeKey<String> HOOK_MODEL_RESPONSE = stringKey("model.response");
  static final AttributeKey<String> HOOK_MODEL_FINISH_REASON = stringKey("model.finish_reason");
  static final AttributeKey<String> HOOK_MODEL_REASONING = stringKey("model.reasoning");
  static final AttributeKey<Long> HOOK_MODEL_INPUT_TOKENS = longKey("model.input_tokens");
  static final AttributeKey<Long> HOOK_MODEL_OUTPUT_TOKENS = longKey("model.output_tokens");

  static final AttributeKey<String> HOOK_TOOL_NAME = stringKey("tool.name");
  static final AttributeKey<String> HOOK_TOOL_INPUT = stringKey("tool.input");
  static final AttributeKey<String> HOOK_TOOL_OUTPUT = stringKey("tool.output");
  static final AttributeKey<String> HOOK_TOOL_STATUS = stringKey("tool.status");

  /** Set instead of the event's own attributes when the hook itself failed. */
  static final AttributeKey<String> HOOK_TRACE_PARSING_ERROR = stringKey("trace_parsing_error");

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
