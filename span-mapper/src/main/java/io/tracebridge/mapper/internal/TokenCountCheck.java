package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.Usage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.Nullable;

/**
 * Why a span states a token count that cannot be billed: negative, or above {@link
 * Usage#MAX_TOKENS}; null when every count it states is in range.
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
  private static final String SPAN_COPY_PREFIX = "span.";
  /** Longer numeric text is not parsed: no count in range needs more digits. */
  private static final int MAX_NUMBER_CHARS = 64;
  private static final BigDecimal MAX = BigDecimal.valueOf(Usage.MAX_TOKENS);
  private static final Set<String> NAMES =
      GenAiAttributes.TOKEN_COUNTS.stream().map(AttributeKey::name).collect(Collectors.toSet());

  private TokenCountCheck() {}

  /** The reason {@code span} is rejected for its token counts, or null if they are all fine. */
  @Nullable
  static String rejectionReason(Span span) {
    String reason = reasonIn(span.getAttributesList());
    for (int i = 0; reason == null && i < span.getEventsCount(); i++) {
      reason = reasonIn(span.getEvents(i).getAttributesList());
    }
    return reason;
  }

  /** The reason {@code attributes} hold a token count out of range, or null if none do. */
  @Nullable
  static String reasonIn(List<KeyValue> attributes) {
    for (KeyValue kv : attributes) {
      String name = kv.getKey();
      String bare = name.startsWith(SPAN_COPY_PREFIX) ? name.substring(SPAN_COPY_PREFIX.length()) : name;
      if (!NAMES.contains(bare)) {
        continue;
      }
      String reason = reason(name, kv.getValue());
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  @Nullable
  private static String reason(String name, AnyValue value) {
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
    if (count.compareTo(MAX) > 0) {
      return "token count '" + name + "' is " + count + ", above the most one span may state ("
          + Usage.MAX_TOKENS + ")";
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
