package io.tracebridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * A deterministic model for end-to-end scenarios, chosen by the prompt's first word; the turn is
 * the number of assistant messages since the prompt. Stateless, so one instance serves every test.
 *
 * <ul>
 *   <li>{@code multi}: turn 0 → calculate(20+22) and echo("hi") in one turn; turn 1 → calculate(6*7);
 *       turn 2 → end turn "multi done".
 *   <li>{@code fail}: turn 0 → the {@code explode} tool; then end turn with the tool's error text.
 *   <li>{@code loop}: always an echo tool use (ends with MaxIterations).
 *   <li>{@code long}: stops with max_tokens and a truncated text.
 *   <li>{@code slow}: turn 0 → the {@code slow} tool; then end turn "slow done".
 * </ul>
 */
final class ScenarioModel implements Model {
  static final String ID = "scenario-model";

  @Override
  public String modelId() {
    return ID;
  }

  @Override
  public ModelResponse converse(
      List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
    int promptAt = 0;
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m.role() == Role.USER && m.toolResults().isEmpty()) {
        promptAt = i;
        break;
      }
    }
    String prompt = messages.get(promptAt).text().trim();
    int turn = (int) messages.subList(promptAt, messages.size()).stream().filter(m -> m.role() == Role.ASSISTANT).count();
    Usage usage = new Usage(100 + 10L * turn, 20, 30, 0, 0);
    String id = "tu_" + messages.size();
    String scenario = prompt.split("\\s+")[0];
    switch (scenario) {
      case "multi":
        if (turn == 0) {
          return tools(usage, use(id + "_a", "calculate", 20, 22, "add"), echo(id + "_b", "hi"));
        }
        if (turn == 1) {
          return tools(usage, use(id, "calculate", 6, 7, "multiply"));
        }
        return text("multi done", StopReason.END_TURN, usage);
      case "fail":
        if (turn == 0) {
          return tools(usage, ContentBlock.toolUse(id, "explode", params()));
        }
        return text("The tool failed: " + lastResult(messages), StopReason.END_TURN, usage);
      case "loop":
        return tools(usage, echo(id, "again " + turn));
      case "long":
        return text("This answer was cut", StopReason.MAX_TOKENS, usage);
      case "slow":
        if (turn == 0) {
          return tools(usage, ContentBlock.toolUse(id, "slow", params()));
        }
        return text("slow done", StopReason.END_TURN, usage);
      default:
        return text("unknown scenario", StopReason.END_TURN, usage);
    }
  }

  private static String lastResult(List<Message> messages) {
    Message last = messages.get(messages.size() - 1);
    return last.toolResults().isEmpty() ? "" : last.toolResults().get(0).content();
  }

  private static ObjectNode params() {
    ObjectNode input = Json.object();
    input.putObject("toolParameters");
    return input;
  }

  private static ContentBlock use(String id, String name, int a, int b, String op) {
    ObjectNode input = Json.object();
    input.putObject("toolParameters").put("operand1", a).put("operand2", b).put("operation", op);
    return ContentBlock.toolUse(id, name, input);
  }

  private static ContentBlock echo(String id, String text) {
    ObjectNode input = Json.object();
    input.putObject("toolParameters").put("text", text);
    return ContentBlock.toolUse(id, "echo", input);
  }

  private static ModelResponse tools(Usage usage, ContentBlock... uses) {
    List<ContentBlock> content = new ArrayList<>(List.of(uses));
    return new ModelResponse(content, StopReason.TOOL_USE, usage);
  }

  private static ModelResponse text(String text, StopReason stop, Usage usage) {
    return new ModelResponse(List.of(ContentBlock.text(text)), stop, usage);
  }
}
