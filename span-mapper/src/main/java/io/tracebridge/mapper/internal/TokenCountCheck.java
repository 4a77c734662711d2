package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.tracebridge.mapper.Usage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.Nullable;

/**
 * Why a span states a token count that cannot be billed: negative, or above its ceiling ({@link
 * Usage#MAX_TOKENS} for a model call's counts, {@link Usage#MAX_AGENT_TOTAL_TOKENS} for an
 * agent's accumulated totals: those of an agent span, and the hook's {@code agent.*_tokens});
 * null when every count it states is in range.
 *
 * <p>Such a span is <b>rejected</b>, as a span with unreadable ids is (counted in the OTLP
 * partial-success reply, named in a {@link io.tracebridge.mapper.MappingIssue}), rather than read
 * without the count: a count is billing, and a call stored with a guessed usage would be billed
 * wrong without anyone being told. Checked before any convention reads the span, on every token
 * count key of {@link GenAiAttributes#TOKEN_COUNTS}, on the span's attributes and on each of its
 * events' attributes (the seed hook's counts and its {@code span.} copies), so no convention can
 * read an out-of-range count and no sum built from counts in range can overflow (see {@link
 * Usage#MAX_TOKENS}). A value that is not a number at all stays what it was: ignored with a soft
 * issue ({@link Attributes}).
 */
final class TokenCountCheck {
  private static final String SPAN_COPY_PREFIX = io.tracebridge.genai.HookEvents.SPAN_COPY_PREFIX;
  /** Longer numeric text is not parsed: no count in range needs more digits. */
  private static final int MAX_NUMBER_CHARS = 64;
  private static final Set<String> NAMES =
      GenAiAttributes.TOKEN_COUNTS.stream().map(AttributeKey::name).collect(Collectors.toSet());
  private static final Set<String> AGENT_TOTAL_NAMES = Set.of(
      GenAiAttributes.HOOK_AGENT_INPUT_TOKENS.name(), GenAiAttributes.HOOK_AGENT_OUTPUT_TOKENS.name());
  private static final Set<String> MODEL_CALL_NAMES = Set.of(
      GenAiAttributes.HOOK_MODEL_INPUT_TOKENS.name(), GenAiAttributes.HOOK_MODEL_OUTPUT_TOKENS.name());

  private TokenCountCheck() {}

  /**
   * The reason {@code span} is rejected for its token counts, or null if they are all fine. On
   * an agent span ({@link AgentSpans#isAgent}) the span's counts and their hook copies are the
   * agent's totals.
   */
  @Nullable
  static String rejectionReason(SpanView span) {
    long spanCeiling = AgentSpans.isAgent(span) ? Usage.MAX_AGENT_TOTAL_TOKENS : Usage.MAX_TOKENS;
    String reason = reasonIn(span.span().getAttributesList(), spanCeiling);
    for (int i = 0; reason == null && i < span.span().getEventsCount(); i++) {
      reason = reasonIn(span.span().getEvents(i).getAttributesList(), spanCeiling);
    }
    return reason;
  }

  /** The reason a model call's {@code attributes} hold a token count out of range, or null. */
  @Nullable
  static String reasonIn(List<KeyValue> attributes) {
    return reasonIn(attributes, Usage.MAX_TOKENS);
  }

  @Nullable
  private static String reasonIn(List<KeyValue> attributes, long spanCeiling) {
    for (KeyValue kv : attributes) {
      String name = kv.getKey();
      String bare = name.startsWith(SPAN_COPY_PREFIX) ? name.substring(SPAN_COPY_PREFIX.length()) : name;
      if (!NAMES.contains(bare)) {
        continue;
      }
      long ceiling = AGENT_TOTAL_NAMES.contains(name) ? Usage.MAX_AGENT_TOTAL_TOKENS
          : MODEL_CALL_NAMES.contains(name) ? Usage.MAX_TOKENS : spanCeiling;
      String reason = reason(name, kv.getValue(), ceiling);
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  @Nullable
  private static String reason(String name, AnyValue value, long ceiling) {
    if (value.getValueCase() == AnyValue.ValueCase.DOUBLE_VALUE
        && Double.isInfinite(value.getDoubleValue())) {
      return "token count '" + name + "' is infinite";
    }
    BigDecimal count = number(value);
    if (count == null) {
      return null;
    }
    if (count.signum() < 0) {
      return "token count '" + name + "' is negative (" + count + ")";
    }
    if (count.compareTo(BigDecimal.valueOf(ceiling)) > 0) {
      return "token count '" + name + "' is " + count + ", above the most one span may state ("
          + ceiling + ")";
    }
    return null;
  }

  /** The value as a number, or null if it is not one (left to {@link Attributes}). */
  @Nullable
  private static BigDecimal number(AnyValue value) {
    switch (value.getValueCase()) {
      case INT_VALUE:
        return BigDecimal.valueOf(value.getIntValue());
      case DOUBLE_VALUE:
        double d = value.getDoubleValue();
        return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
      case STRING_VALUE:
        String text = value.getStringValue().trim();
        if (text.length() > MAX_NUMBER_CHARS) {
          return null;
        }
        try {
          return new BigDecimal(text);
        } catch (NumberFormatException notANumber) {
          return null;
        }
      default:
        return null;
    }
  }
}
