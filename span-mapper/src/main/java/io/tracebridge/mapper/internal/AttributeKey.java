package io.tracebridge.mapper.internal;

import java.util.Objects;

/**
 * An attribute name together with the Java type it is read as, so a lookup cannot come back as
 * the wrong type (after OpenTelemetry Java's {@code AttributeKey}).
 *
 * @param <T> {@link String} or {@link Long}
 */
final class AttributeKey<T> {
  private final String name;
  private final Class<T> type;

  private AttributeKey(String name, Class<T> type) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
  }

  /** A key read as text; non-string scalars are rendered as text. */
  static AttributeKey<String> stringKey(String name) {
    return new AttributeKey<>(name, String.class);
  }

  /** A key read as a non-negative whole number (a token count); numeric strings are accepted. */
  static AttributeKey<Long> longKey(String name) {
    return new AttributeKey<>(name, Long.class);
  }

  String name() {
    return name;
  }

  Class<T> type() {
    return type;
  }

  @Override
  public String toString() {
    return name;
  }
}
