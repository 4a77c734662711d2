package io.tracebridge.runtime.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.internal.Json;
import java.math.BigDecimal;

/** Helpers for the {@code toolParameters} convention. */
final class ToolInputs {
  private ToolInputs() {}

  /** {@code {"type":"object","properties":{"toolParameters":parameters},"required":["toolParameters"]}}. */
  static ObjectNode wrapSchema(ObjectNode parameters) {
    ObjectNode schema = Json.object().put("type", "object");
    schema.putObject("properties").set("toolParameters", parameters.put("description", "Tool parameters"));
    schema.putArray("required").add("toolParameters");
    return schema;
  }

  /** The {@code toolParameters} object of {@code input}. */
  static JsonNode parameters(JsonNode input) {
    JsonNode params = input.path("toolParameters");
    if (!params.isObject()) {
      throw new IllegalArgumentException("input must hold a 'toolParameters' object");
    }
    return params;
  }

  /** A number given as a JSON number or a numeric string. */
  static BigDecimal number(JsonNode node, String what) {
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isTextual()) {
      try {
        return new BigDecimal(node.asText().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + " is not a number: '" + node.asText() + "'");
      }
    }
    throw new IllegalArgumentException(what + " must be a number");
  }

  /** {@code value} as the smallest JSON number: integral values without a fraction. */
  static JsonNode numberNode(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() <= 0) {
      return Json.MAPPER.getNodeFactory().numberNode(stripped.toBigIntegerExact());
    }
    return Json.MAPPER.getNodeFactory().numberNode(stripped);
  }
}
