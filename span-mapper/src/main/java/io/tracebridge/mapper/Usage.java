package io.tracebridge.mapper;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Token usage of one model call, or a sum of several.
 *
 * <p>{@code inputTokens} includes cache reads (as the GenAI semantic conventions define it);
 * {@code cacheReadTokens}, {@code cacheWriteTokens} and {@code reasoningTokens} are kept apart so
 * billing can price them separately. All counts are non-negative.
 */
public record Usage(
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long reasoningTokens) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || cacheWriteTokens < 0
        || reasoningTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  public static Usage of(long inputTokens, long outputTokens) {
    return new Usage(inputTokens, outputTokens, 0, 0, 0);
  }

  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cacheReadTokens + other.cacheReadTokens,
        cacheWriteTokens + other.cacheWriteTokens,
        reasoningTokens + other.reasoningTokens);
  }

  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** True if every count is zero. Not part of the JSON form. */
  @JsonIgnore
  public boolean isZero() {
    return equals(ZERO);
  }
}
