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
 * @param status {@code running} (no answer yet); {@code finished} (an answer record whose stop
 *     reason, if any, is a normal end: {@link #NORMAL_STOPS}); {@code stopped} (the run's answer
 *     says it was cut short: max tokens, max iterations, a guardrail, a cancellation, ...); or
 *     {@code error} (an error record, a tool that failed, or a stop reason {@code error})
 * @param usage tokens of the run counted as billing counts them (each model call once; the
 *     agent-level total only when no call carries usage)
 * @param tools distinct tool names called, sorted
 * @param prompt the first prompt's text, cut to {@value #PROMPT_PREVIEW} characters
 * @param stopReason the run's stop reason: the {@code finishReason} of its last {@code response}
 *     record (the outermost agent's, which ends last), as the producer wrote it; null if none
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
    @Nullable String prompt,
    @Nullable String stopReason) {
  public static final int PROMPT_PREVIEW = 200;

  /**
   * Stop reasons of a run that ended normally, lower case: Strands and Anthropic {@code end_turn}
   * and {@code stop_sequence}, the GenAI conventions' and OpenAI's {@code stop}, Gemini's {@code
   * STOP}, and {@code complete}/{@code completed}. Any other reason on the answer (Strands {@code
   * max_tokens}, {@code max_iterations}, {@code guardrail_intervened}, {@code cancelled}, {@code
   * interrupt}, a final {@code tool_use}; semconv {@code length}, {@code content_filter}, ...)
   * means the run was stopped; {@code error} means it failed.
   */
  public static final java.util.Set<String> NORMAL_STOPS =
      java.util.Set.of("end_turn", "stop_sequence", "stop", "complete", "completed");

  public TraceSummary {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    tools = List.copyOf(tools);
  }

  /** The status from the flags the store keeps and the run's stop reason (see the record). */
  public static String status(boolean error, boolean answered, @Nullable String stopReason) {
    String reason = stopReason == null ? null : stopReason.trim().toLowerCase(java.util.Locale.ROOT);
    if (error || "error".equals(reason)) {
      return "error";
    }
    if (!answered) {
      return "running";
    }
    return reason == null || reason.isEmpty() || NORMAL_STOPS.contains(reason) ? "finished" : "stopped";
  }

  /** A prompt cut for previews. */
  @Nullable
  public static String preview(@Nullable String text) {
    return text == null || text.length() <= PROMPT_PREVIEW ? text : text.substring(0, PROMPT_PREVIEW);
  }
}
