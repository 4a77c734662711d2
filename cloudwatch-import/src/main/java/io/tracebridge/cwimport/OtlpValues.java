package io.tracebridge.cwimport;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * JSON as CloudWatch stores it back into OTLP values. CloudWatch writes attributes flat, with
 * native JSON types ({@code "gen_ai.usage.input_tokens": 1350}); this also reads the OTLP/JSON form
 * ({@code [{"key":..,"value":{"intValue":"1350"}}]}), so events written by an OTLP/JSON-minded
 * producer come back the same.
 */
final class OtlpValues {
  private static final Set<String> ANY_VALUE_KEYS = Set.of(
      "stringValue", "intValue", "doubleValue", "boolValue", "arrayValue", "kvlistValue", "bytesValue");

  private OtlpValues() {}

  /** Attributes from a flat object or an OTLP/JSON key-value list; null members are skipped. */
  static List<KeyValue> attributes(@Nullable JsonNode node) {
    List<KeyValue> out = new ArrayList<>();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return out;
    }
    if (node.isArray()) {
      for (JsonNode kv : node) {
        JsonNode key = kv.get("key");
        if (key != null && key.isTextual()) {
          AnyValue value = anyValue(kv.get("value"));
          if (value != null) {
            out.add(KeyValue.newBuilder().setKey(key.asText()).setValue(value).build());
          }
        }
      }
      return out;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        AnyValue value = anyValue(e.getValue());
        if (value != null) {
          out.add(KeyValue.newBuilder().setKey(e.getKey()).setValue(value).build());
        }
      }
    }
    return out;
  }

  /** One value: native JSON, or an OTLP/JSON AnyValue object. Null for JSON null. */
  @Nullable
  static AnyValue anyValue(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return AnyValue.newBuilder().setStringValue(node.asText()).build();
    }
    if (node.isBoolean()) {
      return AnyValue.newBuilder().setBoolValue(node.asBoolean()).build();
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return AnyValue.newBuilder().setIntValue(node.asLong()).build();
    }
    if (node.isNumber()) {
      return AnyValue.newBuilder().setDoubleValue(node.asDouble()).build();
    }
    if (node.isArray()) {
      ArrayValue.Builder array = ArrayValue.newBuilder();
      for (JsonNode element : node) {
        AnyValue v = anyValue(element);
        if (v != null) {
          array.addValues(v);
        }
      }
      return AnyValue.newBuilder().setArrayValue(array).build();
    }
    if (node.size() == 1 && ANY_VALUE_KEYS.contains(node.fieldNames().next())) {
      return otlpAnyValue(node);
    }
    KeyValueList.Builder list = KeyValueList.newBuilder();
    attributes(node).forEach(list::addValues);
    return AnyValue.newBuilder().setKvlistValue(list).build();
  }

  private static AnyValue otlpAnyValue(JsonNode node) {
    String key = node.fieldNames().next();
    JsonNode v = node.get(key);
    AnyValue.Builder b = AnyValue.newBuilder();
    switch (key) {
      case "stringValue" -> b.setStringValue(v.asText());
      case "intValue" -> b.setIntValue(v.asLong());
      case "doubleValue" -> b.setDoubleValue(v.asDouble());
      case "boolValue" -> b.setBoolValue(v.asBoolean());
      case "bytesValue" -> b.setBytesValue(com.google.protobuf.ByteString.copyFrom(
          java.util.Base64.getDecoder().decode(v.asText())));
      case "arrayValue" -> {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        for (JsonNode element : v.path("values")) {
          AnyValue e = anyValue(element);
          if (e != null) {
            array.addValues(e);
          }
        }
        b.setArrayValue(array);
      }
      default -> {
        KeyValueList.Builder list = KeyValueList.newBuilder();
        attributes(v.path("values")).forEach(list::addValues);
        b.setKvlistValue(list);
      }
    }
    return b.build();
  }

  /** A number of nanoseconds written as a JSON number or a numeric string; 0 when absent. */
  static long nanos(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return 0;
    }
    if (node.isNumber()) {
      return node.asLong();
    }
    String text = node.asText().trim();
    if (text.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number of nanoseconds: '" + abbreviate(text) + "'");
    }
  }

  /**
   * A W3C id as bytes from lowercase or uppercase hex; a trace id may also be in X-Ray form
   * ({@code 1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy}). Null when absent or malformed.
   */
  @Nullable
  static byte[] id(@Nullable JsonNode node, int bytes) {
    if (node == null || !node.isTextual()) {
      return null;
    }
    String text = node.asText().trim().toLowerCase(Locale.ROOT);
    if (bytes == 16 && text.matches("1-[0-9a-f]{8}-[0-9a-f]{24}")) {
      text = text.substring(2, 10) + text.substring(11);
    }
    if (text.length() != bytes * 2 || !text.matches("[0-9a-f]+") || text.matches("0+")) {
      return null;
    }
    return HexFormat.of().parseHex(text);
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
