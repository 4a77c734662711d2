package io.tracebridge.genai;

import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import io.opentelemetry.semconv.ServiceAttributes;
import io.opentelemetry.semconv.incubating.EventIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues;
import io.opentelemetry.semconv.incubating.SessionIncubatingAttributes;

/**
 * The OpenTelemetry GenAI semantic conventions' keys, event names and operation names that
 * TraceBridge reads or writes.
 *
 * <p>Where {@code opentelemetry-semconv(-incubating)} defines a key, it is taken from there (see
 * {@code GenAiTest}, which pins each to the wire name it must keep). The keys the conventions
 * deprecated are kept on purpose: producers still send them (Strands' default mode writes {@code
 * gen_ai.system} and {@code prompt_tokens}), and the mapper reads every version from 1.28 on.
 */
@SuppressWarnings("deprecation") // gen_ai.system, prompt/completion_tokens, gen_ai.prompt/completion, event.name
public final class GenAi {
  private GenAi() {}

  // --- Taken from opentelemetry-semconv-incubating ---------------------------------------------

  public static final String OPERATION_NAME = GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME.getKey();
  public static final String PROVIDER_NAME = GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME.getKey();
  /** The pre-1.37 name of {@link #PROVIDER_NAME}; Strands' default mode still sends it. */
  public static final String SYSTEM = GenAiIncubatingAttributes.GEN_AI_SYSTEM.getKey();
  public static final String REQUEST_MODEL = GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL.getKey();
  public static final String RESPONSE_MODEL = GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL.getKey();
  public static final String RESPONSE_FINISH_REASONS =
      GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS.getKey();
  public static final String AGENT_NAME = GenAiIncubatingAttributes.GEN_AI_AGENT_NAME.getKey();
  public static final String AGENT_ID = GenAiIncubatingAttributes.GEN_AI_AGENT_ID.getKey();
  public static final String CONVERSATION_ID = GenAiIncubatingAttributes.GEN_AI_CONVERSATION_ID.getKey();
  public static final String TOOL_NAME = GenAiIncubatingAttributes.GEN_AI_TOOL_NAME.getKey();
  public static final String TOOL_CALL_ID = GenAiIncubatingAttributes.GEN_AI_TOOL_CALL_ID.getKey();

  public static final String USAGE_INPUT_TOKENS = GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS.getKey();
  public static final String USAGE_OUTPUT_TOKENS = GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS.getKey();
  /** Pre-1.28 name of {@link #USAGE_INPUT_TOKENS}. */
  public static final String USAGE_PROMPT_TOKENS = GenAiIncubatingAttributes.GEN_AI_USAGE_PROMPT_TOKENS.getKey();
  /** Pre-1.28 name of {@link #USAGE_OUTPUT_TOKENS}. */
  public static final String USAGE_COMPLETION_TOKENS =
      GenAiIncubatingAttributes.GEN_AI_USAGE_COMPLETION_TOKENS.getKey();
  /** The conventions' cache reads ({@code gen_ai.usage.cache_read.input_tokens}, 1.40). */
  public static final String USAGE_CACHE_READ_INPUT_TOKENS =
      GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS.getKey();
  /** The conventions' cache writes ({@code gen_ai.usage.cache_creation.input_tokens}, 1.40). */
  public static final String USAGE_CACHE_CREATION_INPUT_TOKENS =
      GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS.getKey();
  /** Reasoning tokens, included in the output tokens (1.41). */
  public static final String USAGE_REASONING_OUTPUT_TOKENS =
      GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS.getKey();

  /** Pre-1.37 prompt content (also OpenLLMetry's single-value prompt). */
  public static final String PROMPT = GenAiIncubatingAttributes.GEN_AI_PROMPT.getKey();
  /** Pre-1.37 completion content. */
  public static final String COMPLETION = GenAiIncubatingAttributes.GEN_AI_COMPLETION.getKey();

  public static final String SESSION_ID = SessionIncubatingAttributes.SESSION_ID.getKey();
  /** The log-record attribute naming the event a log record is (OTel events, our hook logs). */
  public static final String EVENT_NAME = EventIncubatingAttributes.EVENT_NAME.getKey();

  // --- Taken from opentelemetry-semconv (stable) -----------------------------------------------

  public static final String ERROR_TYPE = ErrorAttributes.ERROR_TYPE.getKey();
  public static final String EXCEPTION_TYPE = ExceptionAttributes.EXCEPTION_TYPE.getKey();
  public static final String EXCEPTION_MESSAGE = ExceptionAttributes.EXCEPTION_MESSAGE.getKey();
  public static final String SERVICE_NAME = ServiceAttributes.SERVICE_NAME.getKey();

  // --- Operation names (the semconv values, compile-time constants) -----------------------------

  public static final String OP_CHAT = GenAiOperationNameIncubatingValues.CHAT;
  public static final String OP_TEXT_COMPLETION = GenAiOperationNameIncubatingValues.TEXT_COMPLETION;
  public static final String OP_GENERATE_CONTENT = GenAiOperationNameIncubatingValues.GENERATE_CONTENT;
  public static final String OP_INVOKE_AGENT = GenAiOperationNameIncubatingValues.INVOKE_AGENT;
  public static final String OP_CREATE_AGENT = GenAiOperationNameIncubatingValues.CREATE_AGENT;
  public static final String OP_EXECUTE_TOOL = GenAiOperationNameIncubatingValues.EXECUTE_TOOL;
  /** An older model-call operation name (not in the conventions) some producers still use. */
  public static final String OP_COMPLETION = "completion";
  /** An older model-call operation name (not in the conventions) some producers still use. */
  public static final String OP_GENERATE = "generate";

  // --- In the conventions, not in the Java artifacts (any-typed keys, event names) -------------

  /** Semconv ≥ 1.37 input messages: a JSON array, on the span or on the details event. */
  public static final String INPUT_MESSAGES = "gen_ai.input.messages";
  /** Semconv ≥ 1.37 output messages. */
  public static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
  /** Semconv ≥ 1.37 system instructions: a JSON array of parts (or plain text). */
  public static final String SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions";
  /** Semconv ≥ 1.38 tool definitions. */
  public static final String TOOL_DEFINITIONS = "gen_ai.tool.definitions";
  public static final String TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments";
  public static final String TOOL_CALL_RESULT = "gen_ai.tool.call.result";

  /** The semconv ≥ 1.37 event carrying the messages of one call. */
  public static final String EVENT_OPERATION_DETAILS = "gen_ai.client.inference.operation.details";
  /** Pre-1.37 per-message events (Strands' default mode). */
  public static final String EVENT_SYSTEM_MESSAGE = "gen_ai.system.message";
  public static final String EVENT_USER_MESSAGE = "gen_ai.user.message";
  public static final String EVENT_ASSISTANT_MESSAGE = "gen_ai.assistant.message";
  public static final String EVENT_TOOL_MESSAGE = "gen_ai.tool.message";
  public static final String EVENT_CHOICE = "gen_ai.choice";
  /** The span event of an exception (attributes {@link #EXCEPTION_TYPE}, {@link #EXCEPTION_MESSAGE}). */
  public static final String EVENT_EXCEPTION = "exception";

  // --- Not in the conventions: names producers use for the same things --------------------------

  /** The total, which Strands and OpenAI-style producers write beside input and output. */
  public static final String USAGE_TOTAL_TOKENS = "gen_ai.usage.total_tokens";
  /** Anthropic-style name for cache writes. */
  public static final String USAGE_CACHE_CREATION_INPUT_TOKENS_UNDERSCORE =
      "gen_ai.usage.cache_creation_input_tokens";
  /** OpenAI's {@code completion_tokens_details} flattened, as some instrumentations write it. */
  public static final String USAGE_OUTPUT_DETAILS_REASONING_TOKENS =
      "gen_ai.usage.output_tokens_details.reasoning_tokens";
  /** Flattened input messages (pre-1.37 / OpenLLMetry): {@code gen_ai.prompt.N.role|content|...}. */
  public static final String PROMPT_PREFIX = PROMPT + ".";
  /** Flattened output messages: {@code gen_ai.completion.N.role|content|finish_reason|...}. */
  public static final String COMPLETION_PREFIX = COMPLETION + ".";
}
