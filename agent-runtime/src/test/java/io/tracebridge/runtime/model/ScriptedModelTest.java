package io.tracebridge.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.ModelException;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.tools.CalculateTool;
import io.tracebridge.runtime.tools.EchoTool;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScriptedModelTest {
  private static final List<ToolSpec> TOOLS = List.of(new CalculateTool().spec(), new EchoTool().spec());
  private static final ModelRequestOptions OPTIONS = new ModelRequestOptions(100);
  private final ScriptedModel model = new ScriptedModel();

  private ModelResponse ask(String text, List<ToolSpec> tools) {
    return model.converse(List.of(Message.user(text)), tools, null, OPTIONS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "What is 12+30?      | 12  | 30  | add      | 12+30",
        "compute 7 * 6 please| 7   | 6   | multiply | 7*6",
        "10 - 4              | 10  | 4   | subtract | 10-4",
        "1.5/0.5             | 1.5 | 0.5 | divide   | 1.5/0.5",
        "-3 + 5              | -3  | 5   | add      | -3+5",
      })
  void arithmeticBecomesOneCalculateToolUse(String prompt, String a, String b, String op, String expr) {
    ModelResponse r = ask(prompt, TOOLS);
    assertThat(r.stopReason()).isEqualTo(StopReason.TOOL_USE);
    assertThat(r.toolUses()).hasSize(1);
    ContentBlock.ToolUse use = r.toolUses().get(0);
    assertThat(use.name()).isEqualTo("calculate");
    assertThat(use.input().get("toolParameters").get("operand1").decimalValue()).isEqualByComparingTo(a);
    assertThat(use.input().get("toolParameters").get("operand2").decimalValue()).isEqualByComparingTo(b);
    assertThat(use.input().get("toolParameters").get("operation").asText()).isEqualTo(op);
    assertThat(use.input().size()).isEqualTo(1);
    assertThat(r.reasoning()).hasValue("The user wants " + expr + "; I will use the calculate tool.");
  }

  @Test
  void echoBecomesAnEchoToolUse() {
    ModelResponse r = ask("echo hello there", TOOLS);
    assertThat(r.stopReason()).isEqualTo(StopReason.TOOL_USE);
    assertThat(r.toolUses().get(0).name()).isEqualTo("echo");
    assertThat(r.toolUses().get(0).input().toString()).isEqualTo("{\"toolParameters\":{\"text\":\"hello there\"}}");
  }

  @Test
  void withoutTheToolItAnswersDirectly() {
    ModelResponse r = ask("2+2", List.of(new EchoTool().spec()));
    assertThat(r.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(r.firstText()).hasValue(ScriptedModel.DEFAULT_REPLY);
    assertThat(ask("hello", TOOLS).firstText()).hasValue(ScriptedModel.DEFAULT_REPLY);
  }

  @Test
  void toolResultsBecomeTheFinalAnswer() {
    List<Message> messages =
        List.of(
            Message.user("2+3"),
            new Message(Role.ASSISTANT, List.of(ContentBlock.toolUse("t1", "calculate", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()))),
            new Message(
                Role.USER,
                List.of(
                    ContentBlock.toolResult("t1", ToolResult.success("{\"result\":5}")),
                    ContentBlock.toolResult("t2", ToolResult.success("{\"echo\":\"hi\"}")),
                    ContentBlock.toolResult("t3", ToolResult.error("Division by zero")))));
    ModelResponse r = model.converse(messages, TOOLS, null, OPTIONS);
    assertThat(r.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(r.firstText()).hasValue("The result is 5. Echo: hi The tool failed: Division by zero");
  }

  @Test
  void usageFollowsTheDocumentedFormula() {
    ModelResponse r = ask("hello", TOOLS);
    // "hello" = 5 chars -> ceil(5/4)+10 = 12; output = DEFAULT_REPLY chars.
    assertThat(r.usage())
        .isEqualTo(new Usage(12, (ScriptedModel.DEFAULT_REPLY.length() + 3) / 4 + 1, 0, 0, 0));
    assertThat(ask("hello", TOOLS)).isEqualTo(r);
  }

  @Test
  void cannedResponsesComeInOrderThenFail() {
    ModelResponse first = new ModelResponse(List.of(ContentBlock.text("a")), StopReason.END_TURN, Usage.ZERO);
    ModelResponse second = new ModelResponse(List.of(ContentBlock.text("b")), StopReason.MAX_TOKENS, Usage.ZERO);
    ScriptedModel canned = ScriptedModel.canned(List.of(first, second));
    assertThat(canned.converse(List.of(), List.of(), null, OPTIONS)).isEqualTo(first);
    assertThat(canned.converse(List.of(), List.of(), null, OPTIONS)).isEqualTo(second);
    assertThatThrownBy(() -> canned.converse(List.of(), List.of(), null, OPTIONS))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("canned");
  }
}
