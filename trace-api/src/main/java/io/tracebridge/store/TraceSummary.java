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
 * @param status the run's outcome, from its last {@code response} record (the outermost
 *     agent's answer): {@code finished} (its stop reason, if any, is a normal end: {@link
 *     #NORMAL_STOPS}); {@code stopped} (it says the run was cut short: max tokens, max
 *     iterations, a guardrail, a cancellation, ...); {@code error} (it carries an error, the
 *     stop reason {@code error}, or its span failed: an error record on the agent's own span, as
 *     when Strands raises {@code MaxTokensReachedException}). Without an answer yet: {@code error} if some step failed (an
 *     error record), else {@code running}. A step that failed in a run that then answered (a
 *     throttled model call retried, a failing tool) does not make the run an error.
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

  /**
   * The status (see the record) from what the store keeps.
   *
   * @param stepFailed some record of the trace is an error record or carries an error
   * @param answered the trace has a {@code response} record
   * @param stopReason the last {@code response}'s finish reason
   * @param answerFailed the last {@code response} carries an error
   */
  public static String status(
      boolean stepFailed, boolean answered, @Nullable String stopReason, boolean answerFailed) {
    if (!answered) {
      return stepFailed ? "error" : "running";
    }
    String reason = stopReason == null ? null : stopReason.trim().toLowerCase(java.util.Locale.ROOT);
    if (answerFailed || "error".equals(reason)) {
      return "error";
    }
    return reason == null || reason.isEmpty() || NORMAL_STOPS.contains(reason) ? "finished" : "stopped";
  }

  /** A prompt cut for previews. */
  @Nullable
  public static String preview(@Nullable String text) {
    return text == null || text.length() <= PROMPT_PREVIEW ? text : text.substring(0, PROMPT_PREVIEW);
  }
}
