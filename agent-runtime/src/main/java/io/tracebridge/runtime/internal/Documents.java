package io.tracebridge.runtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkNumber;
import software.amazon.awssdk.core.document.Document;

/** Jackson trees to and from AWS SDK {@link Document}s (tool inputs and schemas for Converse). */
public final class Documents {
  private Documents() {}

  /** {@code node} as a Document; numbers keep their exact decimal value. */
  public static Document toDocument(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Document.fromNull();
    }
    if (node.isObject()) {
      Map<String, Document> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toDocument(e.getValue())));
      return Document.fromMap(map);
    }
    if (node.isArray()) {
      List<Document> list = new ArrayList<>();
      node.forEach(n -> list.add(toDocument(n)));
      return Document.fromList(list);
    }
    if (node.isBoolean()) {
      return Document.fromBoolean(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      return Document.fromNumber(SdkNumber.fromBigInteger(node.bigIntegerValue()));
    }
    if (node.isNumber()) {
      return Document.fromNumber(SdkNumber.fromBigDecimal(node.decimalValue()));
    }
    return Document.fromString(node.asText());
  }

  /** {@code document} as a Jackson tree. */
  public static JsonNode toJson(Document document) {
    JsonNodeFactory f = Json.MAPPER.getNodeFactory();
    if (document == null || document.isNull()) {
      return f.nullNode();
    }
    if (document.isMap()) {
      ObjectNode out = f.objectNode();
      document.asMap().forEach((k, v) -> out.set(k, toJson(v)));
      return out;
    }
    if (document.isList()) {
      ArrayNode out = f.arrayNode();
      document.asList().forEach(d -> out.add(toJson(d)));
      return out;
    }
    if (document.isBoolean()) {
      return f.booleanNode(document.asBoolean());
    }
    if (document.isNumber()) {
      java.math.BigDecimal value = document.asNumber().bigDecimalValue();
      java.math.BigDecimal stripped = value.stripTrailingZeros();
      return stripped.scale() <= 0 ? f.numberNode(stripped.toBigIntegerExact()) : f.numberNode(value);
    }
    return f.textNode(document.asString());
  }
}
