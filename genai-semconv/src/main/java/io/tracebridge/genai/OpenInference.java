package io.tracebridge.genai;

/** Arize OpenInference's attribute keys that TraceBridge reads (its spec's semantic_conventions.md). */
public final class OpenInference {
  private OpenInference() {}

  public static final String SPAN_KIND = "openinference.span.kind";
  /** The {@link #SPAN_KIND} of a model call. */
  public static final String KIND_LLM = "LLM";
  public static final String INPUT_VALUE = "input.value";
  public static final String OUTPUT_VALUE = "output.value";
  public static final String MODEL_NAME = "llm.model_name";
  public static final String PROVIDER = "llm.provider";
  public static final String SYSTEM = "llm.system";
  public static final String FINISH_REASON = "llm.finish_reason";
  public static final String PROMPTS = "llm.prompts";
  public static final String TOOL_NAME = "tool.name";
  public static final String TOOL_ID = "tool.id";
  public static final String TOOL_CALL_ID = "tool_call.id";
  public static final String AGENT_NAME = "agent.name";

  public static final String TOKENS_PROMPT = "llm.token_count.prompt";
  public static final String TOKENS_COMPLETION = "llm.token_count.completion";
  public static final String TOKENS_TOTAL = "llm.token_count.total";
  public static final String TOKENS_CACHE_READ = "llm.token_count.prompt_details.cache_read";
  public static final String TOKENS_CACHE_WRITE = "llm.token_count.prompt_details.cache_write";
  public static final String TOKENS_REASONING = "llm.token_count.completion_details.reasoning";

  /** Flattened input messages: {@code llm.input_messages.N.message.*}. */
  public static final String INPUT_MESSAGES_PREFIX = "llm.input_messages.";
  /** Flattened output messages: {@code llm.output_messages.N.message.*}. */
  public static final String OUTPUT_MESSAGES_PREFIX = "llm.output_messages.";
}
