package io.tracebridge.runtime.core;

/**
 * Token counts of one model call, or the sum of several. {@code inputTokens} includes cached
 * tokens, as the GenAI conventions ask.
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
  /** No tokens. */
  public static final Usage ZERO = new Usage(0, 0, 0, 0);

  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || cacheWriteTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0");
    }
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
        cacheWriteTokens + other.cacheWriteTokens);
  }
}
