package io.tracebridge.runtime.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** What the model sees of a tool: name, description and input JSON schema (deep-copied). */
public record ToolSpec(String name, String description, JsonNode inputSchema) {
  public ToolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    inputSchema = Objects.requireNonNull(inputSchema, "inputSchema").deepCopy();
    if (name.isBlank()) {
      throw new IllegalArgumentException("tool name must not be blank");
    }
  }
}
