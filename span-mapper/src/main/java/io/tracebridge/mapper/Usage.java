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
 *
 * <p>The mapper refuses a span stating any count above {@link #MAX_TOKENS} (an agent's totals:
 * {@link #MAX_AGENT_TOTAL_TOKENS}) or below zero, so a single call's usage is small, and sums ({@link #plus}, {@link #totalTokens}) are exact: one that
 * would overflow a {@code long} throws {@link ArithmeticException} naming the count instead of
 * wrapping to a negative number (which would fail this record's constructor far from the cause).
 */
public record Usage(
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long reasoningTokens) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

  /**
   * The largest token count a model call's span may state, per count: 1,000,000,000. A hundred
   * times the largest context window sold today (10 million tokens), so no model call comes near
   * it; yet the sum of more than nine billion such counts still fits a {@code long}. A count above
   * it is a producer's bug (an uninitialised or wrapped counter, {@code Long.MAX_VALUE}), not usage
   * to bill.
   */
  public static final long MAX_TOKENS = 1_000_000_000L;

  /**
   * The largest accumulated total an agent span (or the hook's {@code agent.*_tokens}) may state,
   * per count: 1,000,000,000,000. Higher than {@link #MAX_TOKENS} because Strands' {@code
   * accumulated_usage} is never reset on a reused {@code Agent} object: a server that keeps one
   * agent for every request reports the totals of all of them, which may pass a billion tokens
   * in legitimate use. Sums of such totals still fit a {@code long} past nine million of them.
   */
  public static final long MAX_AGENT_TOTAL_TOKENS = 1_000_000_000_000L;

  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || cacheWriteTokens < 0
        || reasoningTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  public static Usage of(long inputTokens, long outputTokens) {
    return new Usage(inputTokens, outputTokens, 0, 0, 0);
  }

  /**
   * The sum of this usage and {@code other}.
   *
   * @throws ArithmeticException if a count of the sum would overflow a {@code long}
   */
  public Usage plus(Usage other) {
    return new Usage(
        exactSum("inputTokens", inputTokens, other.inputTokens),
        exactSum("outputTokens", outputTokens, other.outputTokens),
        exactSum("cacheReadTokens", cacheReadTokens, other.cacheReadTokens),
        exactSum("cacheWriteTokens", cacheWriteTokens, other.cacheWriteTokens),
        exactSum("reasoningTokens", reasoningTokens, other.reasoningTokens));
  }

  /**
   * Input plus output tokens.
   *
   * @throws ArithmeticException if the sum would overflow a {@code long}
   */
  public long totalTokens() {
    return exactSum("totalTokens", inputTokens, outputTokens);
  }

  private static long exactSum(String count, long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException overflow) {
      throw new ArithmeticException("token sum overflows: " + count + " " + a + " + " + b);
    }
  }

  /** True if every count is zero. Not part of the JSON form. */
  @JsonIgnore
  public boolean isZero() {
    return equals(ZERO);
  }
}
