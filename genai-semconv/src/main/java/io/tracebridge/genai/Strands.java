package io.tracebridge.genai;

/**
 * What the Strands Agents SDK writes beyond the conventions' keys ({@link GenAi}): its
 * underscore cache-token names, tool status, event-loop cycle ids, and the values that mark its
 * spans. The runtime writes these to look like Strands; the mapper reads them.
 */
public final class Strands {
  private Strands() {}

  /** {@link GenAi#SYSTEM} / {@link GenAi#PROVIDER_NAME} value of spans the Strands SDK makes. */
  public static final String SYSTEM_VALUE = "strands-agents";

  /** Strands' name for cache reads (not the conventions' {@code cache_read.input_tokens}). */
  public static final String USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read_input_tokens";
  /** Strands' name for cache writes. */
  public static final String USAGE_CACHE_WRITE_INPUT_TOKENS = "gen_ai.usage.cache_write_input_tokens";

  public static final String TOOL_STATUS = "gen_ai.tool.status";
  public static final String AGENT_TOOLS = "gen_ai.agent.tools";
  public static final String EVENT_START_TIME = "gen_ai.event.start_time";
  public static final String EVENT_END_TIME = "gen_ai.event.end_time";
  public static final String CYCLE_ID = "event_loop.cycle_id";
  public static final String PARENT_CYCLE_ID = "event_loop.parent_cycle_id";

  /** The attribute of a {@link GenAi#EVENT_CHOICE} event of a cycle that ran tools: their results. */
  public static final String CHOICE_TOOL_RESULT = "tool.result";

  /** The {@link GenAi#OPERATION_NAME} of an event-loop cycle span. */
  public static final String OP_EVENT_LOOP_CYCLE = "execute_event_loop_cycle";
}
