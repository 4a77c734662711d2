package io.tracebridge.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tracebridge.mapper.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One trace (one agent run) at a glance, maintained by the store at write time.
 *
 * @param status {@code running} (no answer yet), {@code finished} (an answer record) or {@code
 *     error} (an error record, or a tool that failed)
 * @param usage tokens of the run counted as billing counts them (each model call once; the
 *     agent-level total only when no call carries usage)
 * @param tools distinct tool names called, sorted
 * @param prompt the first prompt's text, cut to {@value #PROMPT_PREVIEW} characters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TraceSummary(
    String traceId,
    String xrayTraceId,
    @Nullable String sessionId,
    @Nullable String agentId,
    @Nullable String agentName,
    Instant start,
    Instant end,
    long durationMs,
    String status,
    Usage usage,
    List<String> tools,
    @Nullable String prompt) {
  public static final int PROMPT_PREVIEW = 200;

  public TraceSummary {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    tools = List.copyOf(tools);
  }

  /** The status from the flags the store keeps. */
  public static String status(boolean error, boolean answered) {
    return error ? "error" : answered ? "finished" : "running";
  }

  /** A prompt cut for previews. */
  @Nullable
  public static String preview(@Nullable String text) {
    return text == null || text.length() <= PROMPT_PREVIEW ? text : text.substring(0, PROMPT_PREVIEW);
  }
}
