package io.tracebridge.runtime.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolStatus;
import io.tracebridge.runtime.internal.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalculateToolTest {
  private final CalculateTool tool = new CalculateTool();

  private static JsonNode input(String json) throws Exception {
    return Json.read(json);
  }

  private ToolResult calc(String a, String b, String op, String extra) throws Exception {
    return tool.invoke(
        input("{\"toolParameters\":{\"operand1\":" + a + ",\"operand2\":" + b + ",\"operation\":\"" + op + "\"}" + extra + "}"));
  }

  @ParameterizedTest(name = "{0} {2} {1} = {3}")
  @CsvSource({
    "5, 3, add, 8",
    "5, 3, subtract, 2",
    "5, 3, multiply, 15",
    "6, 3, divide, 2",
    "1, 4, divide, 0.25",
    "1.5, 2.5, add, 4",
    "0.1, 0.2, add, 0.3",
    "\"7\", 2, multiply, 14",
  })
  void operations(String a, String b, String op, String expected) throws Exception {
    ToolResult r = calc(a, b, op, "");
    assertThat(r.status()).isEqualTo(ToolStatus.SUCCESS);
    assertThat(r.content()).isEqualTo("{\"result\":" + expected + "}");
  }

  @Test
  void addsTheNumericSessionAttributeBonus() throws Exception {
    assertThat(calc("5", "3", "multiply", ",\"sessionAttributes\":{\"bonus\":\"2\"}").content())
        .isEqualTo("{\"result\":17}");
    assertThat(calc("5", "3", "add", ",\"sessionAttributes\":{\"bonus\":0.5,\"userID\":\"u\"}").content())
        .isEqualTo("{\"result\":8.5}");
    assertThat(calc("5", "3", "add", ",\"sessionAttributes\":{\"userID\":\"u\"}").content())
        .isEqualTo("{\"result\":8}");
  }

  @Test
  void divideByZeroIsAnErrorResult() throws Exception {
    ToolResult r = calc("5", "0", "divide", "");
    assertThat(r.status()).isEqualTo(ToolStatus.ERROR);
    assertThat(r.content()).isEqualTo("Division by zero");
  }

  @Test
  void badInputIsAnErrorResult() throws Exception {
    assertThat(calc("\"x\"", "1", "add", "").content()).startsWith("Invalid input: operand1 is not a number");
    assertThat(calc("1", "1", "modulo", "").content()).startsWith("Unknown operation 'modulo'");
    assertThat(tool.invoke(input("{\"operand1\":1}")).content()).contains("toolParameters");
    assertThat(calc("1", "1", "add", ",\"sessionAttributes\":{\"bonus\":\"lots\"}").status())
        .isEqualTo(ToolStatus.ERROR);
  }

  @Test
  void schemaShowsOnlyToolParameters() {
    JsonNode schema = tool.spec().inputSchema();
    assertThat(schema.get("properties").size()).isEqualTo(1);
    assertThat(schema.get("required").toString()).isEqualTo("[\"toolParameters\"]");
    JsonNode params = schema.get("properties").get("toolParameters");
    assertThat(params.get("properties").fieldNames()).toIterable().containsExactly("operand1", "operand2", "operation");
    assertThat(params.get("properties").get("operation").get("enum").toString())
        .isEqualTo("[\"add\",\"subtract\",\"multiply\",\"divide\"]");
    assertThat(schema.toString()).doesNotContain("sessionAttributes").doesNotContain("action_id");
  }

  @Test
  void echo() throws Exception {
    EchoTool echo = new EchoTool();
    assertThat(echo.invoke(input("{\"toolParameters\":{\"text\":\"hi \\\"you\\\"\"}}")).content())
        .isEqualTo("{\"echo\":\"hi \\\"you\\\"\"}");
    assertThat(echo.invoke(input("{\"toolParameters\":{}}")).status()).isEqualTo(ToolStatus.ERROR);
    assertThat(echo.spec().inputSchema().get("properties").fieldNames()).toIterable().containsExactly("toolParameters");
  }
}
