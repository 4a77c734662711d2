package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * A read-only view over OTLP attributes (of a span, an event or a resource) that never throws.
 *
 * <p>Strings are returned as given; a blank string reads as absent, as the seed's hook writes
 * {@code ""} for values it could not obtain. A value of the wrong shape (a token count that is not
 * a non-negative whole number) reads as absent and is reported to the issue consumer, without the
 * value itself: attributes may hold prompts.
 *
 * <p>{@link #spanCopies()} reads the {@code span.}-prefixed copies of span attributes that the
 * seed's {@code TelemetryCaptureHook} adds to each hook event.
 */
final class Attributes {
  private static final String SPAN_COPY_PREFIX = io.tracebridge.genai.HookEvents.SPAN_COPY_PREFIX;

  private static final int MAX_CACHED_NAMES = 1024;
  private static final java.util.concurrent.ConcurrentHashMap<String, String> SPAN_COPY_NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, AnyValue> values;
  private final String prefix;
  private final Consumer<String> onOddValue;

  private Attributes(Map<String, AnyValue> values, String prefix, Consumer<String> onOddValue) {
    this.values = values;
    this.prefix = prefix;
    this.onOddValue = onOddValue;
  }

  /** A view over {@code keyValues}; a key given twice keeps its last value, as the SDKs do. */
  static Attributes of(List<KeyValue> keyValues, Consumer<String> onOddValue) {
    Map<String, AnyValue> values = new HashMap<>();
    for (KeyValue kv : keyValues) {
      values.put(kv.getKey(), kv.getValue());
    }
    return new Attributes(values, "", onOddValue);
  }

  /**
   * {@code name} under this view's prefix. Without a prefix the name itself: {@code "" + name}
   * is a new string whose hash the map lookup computes again, a tenth of the mapper's CPU.
   */
  private String named(String name) {
    if (prefix.isEmpty()) {
      return name;
    }
    if (prefix.equals(SPAN_COPY_PREFIX)) {
      // The names read through the span-copy prefix are the mapper's attribute keys (a few
      // dozen): each prefixed name built once, its hash kept, rather than a new string per read.
      String cached = SPAN_COPY_NAMES.get(name);
      if (cached != null) {
        return cached;
      }
      String prefixed = prefix + name;
      if (SPAN_COPY_NAMES.size() < MAX_CACHED_NAMES) {
        SPAN_COPY_NAMES.putIfAbsent(name, prefixed);
      }
      return prefixed;
    }
    return prefix + name;
  }

  /** The same attributes read through the {@code span.} prefix of hook-event copies. */
  Attributes spanCopies() {
    return new Attributes(values, prefix + SPAN_COPY_PREFIX, onOddValue);
  }

  /** The raw value of an attribute (under this view's prefix), or null if absent. */
  @Nullable
  AnyValue raw(String name) {
    return values.get(named(name));
  }

  /** Every attribute name (without this view's prefix) that starts with {@code start}. */
  java.util.Set<String> namesStartingWith(String start) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    String prefixed = prefix + start;
    for (String name : values.keySet()) {
      if (name.startsWith(prefixed)) {
        names.add(name.substring(prefix.length()));
      }
    }
    return names;
  }

  /** True if there are no attributes at all. */
  boolean isEmpty() {
    return values.isEmpty();
  }

  /** True if the attribute is present at all, whatever its value. */
  boolean contains(AttributeKey<?> key) {
    return values.containsKey(named(key.name()));
  }

  /** The value of {@code key}, or null if absent, blank or of the wrong shape. */
  @Nullable
  <T> T get(AttributeKey<T> key) {
    String name = named(key.name());
    AnyValue value = values.get(name);
    if (value == null) {
      return null;
    }
    if (key.type() == Long.class) {
      return key.type().cast(readCount(name, value));
    }
    return key.type().cast(readString(value));
  }

  /** The value of the first of {@code keys} that is present here. */
  @SafeVarargs
  @Nullable
  final <T> T first(AttributeKey<T>... keys) {
    for (AttributeKey<T> key : keys) {
      T value = get(key);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The value of {@code key} in the first of {@code sources} that has it. */
  @Nullable
  static <T> T firstIn(AttributeKey<T> key, Attributes... sources) {
    for (Attributes source : sources) {
      T value = source.get(key);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  @Nullable
  private static String readString(AnyValue value) {
    String text =
        switch (value.getValueCase()) {
          case STRING_VALUE -> value.getStringValue();
          case INT_VALUE -> Long.toString(value.getIntValue());
          case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
          case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
          default -> null;
        };
    return text == null || text.isBlank() ? null : text;
  }

  @Nullable
  private Long readCount(String name, AnyValue value) {
    Long count =
        switch (value.getValueCase()) {
          case INT_VALUE -> value.getIntValue();
          case DOUBLE_VALUE -> wholeNumber(value.getDoubleValue());
          case STRING_VALUE -> parseCount(value.getStringValue());
          default -> null;
        };
    if (count == null || count < 0) {
      onOddValue.accept("attribute '" + name + "' is not a non-negative whole number; ignored");
      return null;
    }
    return count;
  }

  @Nullable
  private static Long wholeNumber(double d) {
    return Double.isFinite(d) && d == Math.rint(d) ? (long) d : null;
  }

  @Nullable
  private static Long parseCount(String text) {
    String trimmed = text.trim();
    try {
      return Long.parseLong(trimmed);
    } catch (NumberFormatException notALong) {
      try {
        return wholeNumber(Double.parseDouble(trimmed));
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
  }
}
