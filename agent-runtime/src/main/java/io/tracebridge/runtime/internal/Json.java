package io.tracebridge.runtime.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** The module's one Jackson mapper. Thread-safe. */
public final class Json {
  /** Shared mapper; BigDecimals are written in plain notation ({@code 0.0000001}, not {@code 1E-7}). */
  public static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private Json() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Compact JSON text of {@code node}. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code text}; throws {@link JsonProcessingException} on malformed input. */
  public static JsonNode read(String text) throws JsonProcessingException {
    return MAPPER.readTree(text);
  }
}
