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
}
