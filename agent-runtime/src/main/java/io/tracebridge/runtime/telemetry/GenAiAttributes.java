package io.tracebridge.runtime.telemetry;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.Strands;
import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attribute keys the runtime writes, typed, declared once. Names follow the Strands Agents
 * SDK (legacy GenAI conventions: {@code gen_ai.system}, both {@code prompt_tokens} and {@code
 * input_tokens}, underscore cache keys), which is what the span mapper reads.
 */
public final class GenAiAttributes {
  public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey(GenAi.OPERATION_NAME);
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey(GenAi.SYSTEM);
  /** Replaces {@link #SYSTEM} in {@link SemconvMode#LATEST}. */
  public static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey(GenAi.PROVIDER_NAME);
  public static final AttributeKey<String> EVENT_START_TIME = AttributeKey.stringKey(Strands.EVENT_START_TIME);
  public static final AttributeKey<String> EVENT_END_TIME = AttributeKey.stringKey(Strands.EVENT_END_TIME);
  public static final AttributeKey<String> PARENT_CYCLE_ID = AttributeKey.stringKey(Strands.PARENT_CYCLE_ID);
  public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey(GenAi.REQUEST_MODEL);
  public static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey(GenAi.AGENT_NAME);
  public static final AttributeKey<String> AGENT_ID = AttributeKey.stringKey(GenAi.AGENT_ID);
  public static final AttributeKey<String> AGENT_TOOLS = AttributeKey.stringKey(Strands.AGENT_TOOLS);
  public static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey(GenAi.SESSION_ID);
  public static final AttributeKey<String> CYCLE_ID = AttributeKey.stringKey(Strands.CYCLE_ID);
  public static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey(GenAi.TOOL_NAME);
  public static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey(GenAi.TOOL_CALL_ID);
  public static final AttributeKey<String> TOOL_STATUS = AttributeKey.stringKey(Strands.TOOL_STATUS);
  public static final AttributeKey<Long> USAGE_PROMPT_TOKENS = AttributeKey.longKey(GenAi.USAGE_PROMPT_TOKENS);
  public static final AttributeKey<Long> USAGE_INPUT_TOKENS = AttributeKey.longKey(GenAi.USAGE_INPUT_TOKENS);
  public static final AttributeKey<Long> USAGE_COMPLETION_TOKENS =
      AttributeKey.longKey(GenAi.USAGE_COMPLETION_TOKENS);
  public static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = AttributeKey.longKey(GenAi.USAGE_OUTPUT_TOKENS);
  public static final AttributeKey<Long> USAGE_TOTAL_TOKENS = AttributeKey.longKey(GenAi.USAGE_TOTAL_TOKENS);
  public static final AttributeKey<Long> USAGE_CACHE_READ_INPUT_TOKENS =
      AttributeKey.longKey(Strands.USAGE_CACHE_READ_INPUT_TOKENS);
  public static final AttributeKey<Long> USAGE_CACHE_WRITE_INPUT_TOKENS =
      AttributeKey.longKey(Strands.USAGE_CACHE_WRITE_INPUT_TOKENS);
  /** Semconv v1.41 name; set only when the provider reports reasoning tokens. */
  public static final AttributeKey<Long> USAGE_REASONING_TOKENS =
      AttributeKey.longKey(GenAi.USAGE_REASONING_OUTPUT_TOKENS);

  /** {@code gen_ai.system} value on every span. */
  public static final String SYSTEM_STRANDS = Strands.SYSTEM_VALUE;
  /** {@code gen_ai.operation.name} values. */
  public static final String OP_INVOKE_AGENT = GenAi.OP_INVOKE_AGENT;
  public static final String OP_CYCLE = Strands.OP_EVENT_LOOP_CYCLE;
  public static final String OP_CHAT = GenAi.OP_CHAT;
  public static final String OP_EXECUTE_TOOL = GenAi.OP_EXECUTE_TOOL;

  private GenAiAttributes() {}
}
