package io.tracebridge.runtime.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.internal.Json;

/** The seed's test "echo" action: returns {@code {"echo": text}}. Stateless and thread-safe. */
public final class EchoTool implements Tool {
  public static final String NAME = "echo";

  private static final ToolSpec SPEC = buildSpec();

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public ToolResult invoke(JsonNode input) {
    try {
      JsonNode text = ToolInputs.parameters(input).path("text");
      if (!text.isTextual()) {
        return ToolResult.error("Invalid input: toolParameters.text must be a string");
      }
      return ToolResult.success(Json.write(Json.object().put("echo", text.asText())));
    } catch (IllegalArgumentException e) {
      return ToolResult.error("Invalid input: " + e.getMessage());
    }
  }

  private static ToolSpec buildSpec() {
    ObjectNode params = Json.object().put("type", "object");
    params.putObject("properties").putObject("text").put("type", "string").put("description", "Text to echo");
    params.putArray("required").add("text");
    return new ToolSpec(NAME, "echo: returns the given text", ToolInputs.wrapSchema(params));
  }
}
