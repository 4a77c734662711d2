package io.tracebridge.runtime.core;

/**
 * Token counts of one model call, or the sum of several. {@code inputTokens} includes cached
 * tokens (read and written), as the GenAI conventions ask; {@code reasoningTokens} are included in
 * {@code outputTokens} and are 0 when the provider does not report them.
 */
public record Usage(
    long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens, long reasoningTokens) {
  /** No tokens. */
  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || cacheWriteTokens < 0 || reasoningTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0");
    }
  }

  /** Usage without reasoning tokens. */
  public Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    this(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, 0);
  }

  /** Input plus output tokens. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** The field-wise sum of this and {@code other}. */
  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cacheReadTokens + other.cacheReadTokens,
        cacheWriteTokens + other.cacheWriteTokens,
        reasoningTokens + other.reasoningTokens);
  }
}
