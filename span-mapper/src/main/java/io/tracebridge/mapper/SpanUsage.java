package io.tracebridge.mapper;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.tracebridge.mapper.internal.UsageReader;
import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * The token usage a span's attributes state, read exactly as {@link SpanMapper} reads a model
 * call's: every convention's key names, and input normalised to {@link Usage}'s one definition
 * (cached input included; a Bedrock Converse style input without the cache, recognised by its
 * total, gets the cache reads and writes added). For other modules that count tokens off spans
 * (the CloudWatch EMF metrics), so that every count of TraceBridge means the same. Pure and
 * thread-safe.
 */
public final class SpanUsage {
  private SpanUsage() {}

  /**
   * The usage in {@code spanAttributes}: {@code gen_ai.usage.*} (old and new names, OpenLLMetry's
   * included), else OpenInference's {@code llm.token_count.*}; null if they hold none, or if one
   * is negative or above {@link Usage#MAX_TOKENS} (the mapper rejects such a span). Whether the
   * span is a model call (and not an agent span with accumulated totals) is the caller's to know.
   */
  @Nullable
  public static Usage of(List<KeyValue> spanAttributes) {
    return UsageReader.ofSpanAttributes(Objects.requireNonNull(spanAttributes, "spanAttributes"));
  }
}
