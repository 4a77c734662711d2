package io.tracebridge.runtime.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.internal.Json;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * The seed's test "calculate" action: {@code operand1 <operation> operand2 + bonus}, where {@code
 * bonus} is the numeric session attribute {@code bonus} from the input's {@code sessionAttributes}
 * (0 when absent), so tests can prove session attributes reached the tool. The schema shows only
 * {@code toolParameters}. Returns {@code {"result": N}} (integral results without a fraction);
 * bad input and division by zero give an error result. Exact decimal arithmetic; division rounds
 * to 16 significant digits. Stateless and thread-safe.
 */
public final class CalculateTool implements Tool {
  public static final String NAME = "calculate";

  private static final ToolSpec SPEC = buildSpec();

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public ToolResult invoke(JsonNode input) {
    try {
      JsonNode params = ToolInputs.parameters(input);
      BigDecimal a = ToolInputs.number(params.path("operand1"), "operand1");
      BigDecimal b = ToolInputs.number(params.path("operand2"), "operand2");
      String operation = params.path("operation").asText("").toLowerCase(Locale.ROOT);
      BigDecimal value;
      switch (operation) {
        case "add":
          value = a.add(b);
          break;
        case "subtract":
          value = a.subtract(b);
          break;
        case "multiply":
          value = a.multiply(b);
          break;
        case "divide":
          if (b.signum() == 0) {
            return ToolResult.error("Division by zero");
          }
          value = a.divide(b, MathContext.DECIMAL64);
          break;
        default:
          return ToolResult.error(
              "Unknown operation '" + operation + "': use add, subtract, multiply or divide");
      }
      JsonNode bonus = input.path("sessionAttributes").path("bonus");
      if (!bonus.isMissingNode() && !bonus.isNull()) {
        value = value.add(ToolInputs.number(bonus, "session attribute bonus"));
      }
      ObjectNode out = Json.object();
      out.set("result", ToolInputs.numberNode(value));
      return ToolResult.success(Json.write(out));
    } catch (IllegalArgumentException e) {
      return ToolResult.error("Invalid input: " + e.getMessage());
    }
  }

  private static ToolSpec buildSpec() {
    ObjectNode params = Json.object().put("type", "object");
    ObjectNode props = params.putObject("properties");
    props.putObject("operand1").put("type", "number").put("description", "First operand");
    props.putObject("operand2").put("type", "number").put("description", "Second operand");
    ObjectNode op = props.putObject("operation").put("type", "string");
    op.putArray("enum").add("add").add("subtract").add("multiply").add("divide");
    params.putArray("required").add("operand1").add("operand2").add("operation");
    return new ToolSpec(
        NAME, "calculate: applies an arithmetic operation to two numbers", ToolInputs.wrapSchema(params));
  }
}
