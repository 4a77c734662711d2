package io.tracebridge.cloudwatch.internal;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.annotation.Nullable;

/**
 * Read access to OTLP attributes: a key-ordered map view, conversion of {@link AnyValue} to plain
 * Java values (String, Long, Double, Boolean, List, Map) and lenient typed lookups. Stateless.
 */
public final class Attrs {
  private static final HexFormat HEX = HexFormat.of();

  private Attrs() {}

  /** The attributes in arrival order; a repeated key keeps its last value. */
  public static Map<String, AnyValue> toMap(List<KeyValue> attributes) {
    Map<String, AnyValue> map = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      map.put(kv.getKey(), kv.getValue());
    }
    return map;
  }

  /** The value as a plain Java value; {@code null} for an unset value. */
  @Nullable
  public static Object toJava(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      case INT_VALUE:
        return value.getIntValue();
      case DOUBLE_VALUE:
        return value.getDoubleValue();
      case BYTES_VALUE:
        return Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      case ARRAY_VALUE:
        List<Object> list = new ArrayList<>();
        for (AnyValue item : value.getArrayValue().getValuesList()) {
          list.add(toJava(item));
        }
        return list;
      case KVLIST_VALUE:
        Map<String, Object> map = new LinkedHashMap<>();
        for (KeyValue kv : value.getKvlistValue().getValuesList()) {
          map.put(kv.getKey(), toJava(kv.getValue()));
        }
        return map;
      default:
        return null;
    }
  }

  /** A string value, or the text form of a scalar; empty when absent or not scalar. */
  public static Optional<String> string(Map<String, AnyValue> attributes, String key) {
    AnyValue value = attributes.get(key);
    if (value == null) {
      return Optional.empty();
    }
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return Optional.of(value.getStringValue());
      case INT_VALUE:
        return Optional.of(Long.toString(value.getIntValue()));
      case DOUBLE_VALUE:
        return Optional.of(Double.toString(value.getDoubleValue()));
      case BOOL_VALUE:
        return Optional.of(Boolean.toString(value.getBoolValue()));
      default:
        return Optional.empty();
    }
  }

  /** A whole number from an int, an integral double or a numeric string; empty otherwise. */
  public static OptionalLong integer(Map<String, AnyValue> attributes, String key) {
    AnyValue value = attributes.get(key);
    if (value == null) {
      return OptionalLong.empty();
    }
    switch (value.getValueCase()) {
      case INT_VALUE:
        return OptionalLong.of(value.getIntValue());
      case DOUBLE_VALUE:
        double d = value.getDoubleValue();
        return d == Math.rint(d) && !Double.isInfinite(d) ? OptionalLong.of((long) d) : OptionalLong.empty();
      case STRING_VALUE:
        try {
          return OptionalLong.of(Long.parseLong(value.getStringValue().trim()));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      default:
        return OptionalLong.empty();
    }
  }

  /** The first key of {@code keys} that has a whole-number value. */
  public static OptionalLong firstInteger(Map<String, AnyValue> attributes, String... keys) {
    for (String key : keys) {
      OptionalLong value = integer(attributes, key);
      if (value.isPresent()) {
        return value;
      }
    }
    return OptionalLong.empty();
  }

  /** The first key of {@code keys} that has a non-blank string value. */
  public static Optional<String> firstString(Map<String, AnyValue> attributes, String... keys) {
    for (String key : keys) {
      Optional<String> value = string(attributes, key).filter(s -> !s.isBlank());
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  /** Lower-case hex of an id; empty string for an empty id. */
  public static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }

  /** True when the id has the given length and is not all zeros (a valid W3C id). */
  public static boolean validId(ByteString id, int length) {
    if (id.size() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (id.byteAt(i) != 0) {
        return true;
      }
    }
    return false;
  }
}
