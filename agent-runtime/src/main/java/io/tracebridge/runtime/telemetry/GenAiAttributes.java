package io.tracebridge.runtime.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attribute keys the runtime writes, typed, declared once. Names follow the Strands Agents
 * SDK (legacy GenAI conventions: {@code gen_ai.system}, both {@code prompt_tokens} and {@code
 * input_tokens}, underscore cache keys), which is what the span mapper reads.
 */
public final class GenAiAttributes {
  public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
  /** Replaces {@link #SYSTEM} in {@link SemconvMode#LATEST}. */
  public static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  public static final AttributeKey<String> EVENT_START_TIME = AttributeKey.stringKey("gen_ai.event.start_time");
  public static final AttributeKey<String> EVENT_END_TIME = AttributeKey.stringKey("gen_ai.event.end_time");
  public static final AttributeKey<String> PARENT_CYCLE_ID = AttributeKey.stringKey("event_loop.parent_cycle_id");
  public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");
  public static final AttributeKey<String> AGENT_ID = AttributeKey.stringKey("gen_ai.agent.id");
  public static final AttributeKey<String> AGENT_TOOLS = AttributeKey.stringKey("gen_ai.agent.tools");
  public static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("session.id");
  public static final AttributeKey<String> CYCLE_ID = AttributeKey.stringKey("event_loop.cycle_id");
  public static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  public static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
  public static final AttributeKey<String> TOOL_STATUS = AttributeKey.stringKey("gen_ai.tool.status");
  public static final AttributeKey<Long> USAGE_PROMPT_TOKENS = AttributeKey.longKey("gen_ai.usage.prompt_tokens");
  public static final AttributeKey<Long> USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> USAGE_COMPLETION_TOKENS =
      AttributeKey.longKey("gen_ai.usage.completion_tokens");
  public static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  public static final AttributeKey<Long> USAGE_TOTAL_TOKENS = AttributeKey.longKey("gen_ai.usage.total_tokens");
  public static final AttributeKey<Long> USAGE_CACHE_READ_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read_input_tokens");
  public static final AttributeKey<Long> USAGE_CACHE_WRITE_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_write_input_tokens");
  /** Semconv v1.41 name; set only when the provider reports reasoning tokens. */
  public static final AttributeKey<Long> USAGE_REASONING_TOKENS =
      AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");

  /** {@code gen_ai.system} value on every span. */
  public static final String SYSTEM_STRANDS = "strands-agents";
  /** {@code gen_ai.operation.name} values. */
  public static final String OP_INVOKE_AGENT = "invoke_agent";
  public static final String OP_CYCLE = "execute_event_loop_cycle";
  public static final String OP_CHAT = "chat";
  public static final String OP_EXECUTE_TOOL = "execute_tool";

  private GenAiAttributes() {}
}
