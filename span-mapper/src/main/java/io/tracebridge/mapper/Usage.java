package io.tracebridge.mapper;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Token usage of one model call, or a sum of several.
 *
 * <p>One definition everywhere, the GenAI semantic conventions': {@code inputTokens} is all the
 * input the model processed, <b>including</b> the cached input, both the tokens read from the
 * cache and the tokens written to it. {@code cacheReadTokens} and {@code cacheWriteTokens} say how
 * many of the input tokens were each; so the uncached input is {@code inputTokens -
 * cacheReadTokens - cacheWriteTokens}, and billing prices each kind once: uncached input at the
 * input price, cache reads and cache writes at theirs. {@code outputTokens} includes {@code
 * reasoningTokens}. Producers that count input without the cache (Bedrock Converse's {@code
 * inputTokens}) are normalised by the mapper (cache reads and writes added). All counts are
 * non-negative.
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
