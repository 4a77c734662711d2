package io.tracebridge.genai;

/**
 * The span events of the seed's {@code TelemetryCaptureHook} (which agent-runtime's hook writes
 * and the mapper reads): their names and attribute keys, and the {@code span.} prefix of the span
 * attribute copies each event carries.
 */
public final class HookEvents {
  private HookEvents() {}

  public static final String AGENT_PROMPT = "agent_prompt";
  public static final String MODEL_REQUEST = "model_request";
  public static final String MODEL_RESPONSE = "model_response";
  public static final String TOOL_REQUEST = "tool_request";
  public static final String TOOL_RESPONSE = "tool_response";
  public static final String AGENT_RESPONSE = "agent_response";

  public static final String KEY_AGENT_PROMPT = "agent.prompt";
  public static final String KEY_AGENT_RESPONSE = "agent.response";
  public static final String KEY_AGENT_INPUT_TOKENS = "agent.input_tokens";
  public static final String KEY_AGENT_OUTPUT_TOKENS = "agent.output_tokens";
  public static final String KEY_MODEL_NAME = "model.name";
  public static final String KEY_MODEL_PROMPT = "model.prompt";
  public static final String KEY_MODEL_RESPONSE = "model.response";
  public static final String KEY_MODEL_FINISH_REASON = "model.finish_reason";
  public static final String KEY_MODEL_REASONING = "model.reasoning";
  public static final String KEY_MODEL_INPUT_TOKENS = "model.input_tokens";
  public static final String KEY_MODEL_OUTPUT_TOKENS = "model.output_tokens";
  public static final String KEY_TOOL_NAME = "tool.name";
  public static final String KEY_TOOL_INPUT = "tool.input";
  public static final String KEY_TOOL_OUTPUT = "tool.output";
  public static final String KEY_TOOL_STATUS = "tool.status";
  /** Set instead of the event's own attributes when the hook itself failed. */
  public static final String KEY_TRACE_PARSING_ERROR = "trace_parsing_error";
  /** Prefix of the copies of the span's attributes on each hook event. */
  public static final String SPAN_COPY_PREFIX = "span.";
}
