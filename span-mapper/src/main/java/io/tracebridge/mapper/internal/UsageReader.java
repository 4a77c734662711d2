package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.tracebridge.mapper.Usage;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Token counts, under the old and new attribute names Strands and the GenAI semantic conventions
 * have used.
 *
 * <p>One definition of input tokens, the GenAI semantic conventions': {@code inputTokens}
 * includes the cached input (cache reads and cache writes); {@code cacheReadTokens} and {@code
 * cacheWriteTokens} say how many of them were read from and written to the cache. Producers that
 * count input without the cache (Bedrock Converse) are recognised and normalised ({@link
 * #normalised}).
 *
 * <p>Per-call usage ({@link #modelCall}) never reads an {@code invoke_agent} span's attributes:
 * those are the agent's accumulated totals, which only an agent-level record's {@code
 * totalUsage} may carry ({@link #agentTotal}). That keeps every model call counted once.
 */
public final class UsageReader {
  private UsageReader() {}

  /**
   * The usage a span's attributes state under any convention this module reads: {@code
   * gen_ai.usage.*} (with the total from {@code gen_ai.usage.total_tokens}, else OpenLLMetry's
   * {@code llm.usage.total_tokens}, for {@link #normalised}), else OpenInference's {@code
   * llm.token_count.*}; null if none, or if a count is out of range ({@link TokenCountCheck}: the
   * mapper rejects such a span, so it is counted nowhere). For {@link
   * io.tracebridge.mapper.SpanUsage}.
   */
  @Nullable
  public static Usage ofSpanAttributes(List<KeyValue> attributes) {
    if (TokenCountCheck.reasonIn(attributes) != null) {
      return null;
    }
    Attributes a = Attributes.of(attributes, issue -> { });
    Usage genAi = openLlmetry(a);
    return genAi != null ? genAi : openInference(a);
  }

  /**
   * The {@code gen_ai.usage.*} counts in {@code attributes}, or null if there are none. Reasoning:
   * {@code reasoning.output_tokens}, else OpenLLMetry's {@code gen_ai.usage.reasoning_tokens} /
   * {@code llm.usage.reasoning_tokens}.
   */
  @Nullable
  static Usage read(Attributes attributes) {
    return genAi(attributes, attributes.get(GenAiAttributes.USAGE_TOTAL_TOKENS));
  }

  /**
   * OpenLLMetry's counts, or null if there are none: the counts {@link #read} reads (OpenLLMetry
   * has written {@code input_tokens} / {@code output_tokens}, before them {@code prompt_tokens} /
   * {@code completion_tokens}, and {@code cache_read_input_tokens} / {@code
   * cache_creation_input_tokens}), with the total from {@code llm.usage.total_tokens}, else
   * {@code gen_ai.usage.total_tokens}, for {@link #normalised}.
   */
  @Nullable
  static Usage openLlmetry(Attributes attributes) {
    return genAi(attributes, attributes.first(
        GenAiAttributes.OL_TOKENS_TOTAL, GenAiAttributes.USAGE_TOTAL_TOKENS));
  }

  @Nullable
  private static Usage genAi(Attributes attributes, @Nullable Long total) {
    Long input =
        attributes.first(GenAiAttributes.USAGE_INPUT_TOKENS, GenAiAttributes.USAGE_PROMPT_TOKENS);
    Long output =
        attributes.first(
            GenAiAttributes.USAGE_OUTPUT_TOKENS, GenAiAttributes.USAGE_COMPLETION_TOKENS);
    Long cacheRead =
        attributes.first(
            GenAiAttributes.USAGE_CACHE_READ_INPUT_TOKENS,
            GenAiAttributes.USAGE_CACHE_READ_DOT_INPUT_TOKENS);
    Long cacheWrite =
        attributes.first(
            GenAiAttributes.USAGE_CACHE_WRITE_INPUT_TOKENS,
            GenAiAttributes.USAGE_CACHE_CREATION_INPUT_TOKENS,
            GenAiAttributes.USAGE_CACHE_CREATION_DOT_INPUT_TOKENS);
    Long reasoning = attributes.first(
        GenAiAttributes.USAGE_REASONING_OUTPUT_TOKENS,
        GenAiAttributes.USAGE_REASONING_TOKENS,
        GenAiAttributes.USAGE_OUTPUT_DETAILS_REASONING_TOKENS,
        GenAiAttributes.OL_TOKENS_REASONING);
    return normalised(input, output, cacheRead, cacheWrite, reasoning, total);
  }

  /** OpenInference's {@code llm.token_count.*}, or null if there are none. */
  @Nullable
  static Usage openInference(Attributes attributes) {
    return normalised(
        attributes.get(GenAiAttributes.OI_TOKENS_PROMPT),
        attributes.get(GenAiAttributes.OI_TOKENS_COMPLETION),
        attributes.get(GenAiAttributes.OI_TOKENS_CACHE_READ),
        attributes.get(GenAiAttributes.OI_TOKENS_CACHE_WRITE),
        attributes.get(GenAiAttributes.OI_TOKENS_REASONING),
        attributes.get(GenAiAttributes.OI_TOKENS_TOTAL));
  }

  /**
   * Usage with input tokens that include the cache, as the semantic conventions define them.
   *
   * <p>Some producers count input without the cache (Bedrock Converse and Anthropic report
   * {@code inputTokens} apart from {@code cacheReadInputTokens}/{@code cacheWriteInputTokens},
   * and Strands passes those through). They are recognised by their total: when {@code total} is
   * given, some cache count is non-zero and {@code total == input + output + cacheRead +
   * cacheWrite}, input excluded the cache, and the cache reads and writes are added to it. (When
   * input already includes the cache, {@code total == input + output}; both cannot hold unless
   * the cache counts are zero.) Without a total the input is taken as the semconv says it is.
   */
  @Nullable
  static Usage normalised(
      @Nullable Long input,
      @Nullable Long output,
      @Nullable Long cacheRead,
      @Nullable Long cacheWrite,
      @Nullable Long reasoning,
      @Nullable Long total) {
    if (input == null && output == null && cacheRead == null && cacheWrite == null
        && reasoning == null) {
      return null;
    }
    long in = orZero(input);
    long out = orZero(output);
    long cache = orZero(cacheRead) + orZero(cacheWrite);
    if (total != null && cache > 0 && total == in + out + cache) {
      in += cache;
    }
    return new Usage(in, out, orZero(cacheRead), orZero(cacheWrite), orZero(reasoning));
  }

  /**
   * The usage of the model call a {@code model_response} event ends: the span's {@code
   * gen_ai.usage.*}, else the event's {@code model.input_tokens}/{@code model.output_tokens},
   * else the event's {@code span.gen_ai.usage.*} copies. Null if none of them has any.
   */
  @Nullable
  static Usage modelCall(SpanView span, Attributes event) {
    if (span.isAgentSpan()) {
      return hookCounts(event, GenAiAttributes.HOOK_MODEL_INPUT_TOKENS,
          GenAiAttributes.HOOK_MODEL_OUTPUT_TOKENS);
    }
    Usage fromSpan = read(span.attributes());
    if (fromSpan != null) {
      return fromSpan;
    }
    Usage fromEvent = hookCounts(event, GenAiAttributes.HOOK_MODEL_INPUT_TOKENS,
        GenAiAttributes.HOOK_MODEL_OUTPUT_TOKENS);
    return fromEvent != null ? fromEvent : read(event.spanCopies());
  }

  /**
   * The agent's accumulated usage on an {@code agent_response} event: when the event's span is an
   * agent span, that span's {@code gen_ai.usage.*} (Strands sets the agent's totals there, cache
   * included, when the span ends), else the {@code span.gen_ai.usage.*} copies; otherwise, or when
   * the span has none, the event's {@code agent.input_tokens}/{@code agent.output_tokens}. Those
   * are Strands' {@code accumulated_usage} as the seed hook reads it: input without the cache for
   * Bedrock models, no cache or reasoning counts. They are ignored when the event has no answer
   * and both are zero: the seed hook's defaults when the run produced no result.
   */
  @Nullable
  static Usage agentTotal(SpanView span, Attributes event) {
    if (span.isAgentSpan()) {
      Usage fromSpan = read(span.attributes());
      if (fromSpan == null) {
        fromSpan = read(event.spanCopies());
      }
      if (fromSpan != null) {
        return fromSpan;
      }
    }
    Usage fromEvent = hookCounts(event, GenAiAttributes.HOOK_AGENT_INPUT_TOKENS,
        GenAiAttributes.HOOK_AGENT_OUTPUT_TOKENS);
    boolean noResult = event.get(GenAiAttributes.HOOK_AGENT_RESPONSE) == null;
    return fromEvent == null || (noResult && fromEvent.isZero()) ? null : fromEvent;
  }

  @Nullable
  private static Usage hookCounts(
      Attributes event, AttributeKey<Long> inputKey, AttributeKey<Long> outputKey) {
    Long input = event.get(inputKey);
    Long output = event.get(outputKey);
    if (input == null && output == null) {
      return null;
    }
    return Usage.of(orZero(input), orZero(output));
  }

  private static long orZero(@Nullable Long count) {
    return count == null ? 0 : count;
  }
}
