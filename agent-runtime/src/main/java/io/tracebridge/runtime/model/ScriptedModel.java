package io.tracebridge.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelException;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * A deterministic, offline model for demos and tests.
 *
 * <p><b>Rules</b> (the default, {@link #ScriptedModel()}):
 *
 * <ol>
 *   <li>The last message holds tool results → {@code END_TURN} with one sentence per result: a
 *       {@code {"result": N}} result gives "The result is N.", a {@code {"echo": T}} result
 *       "Echo: T", an error result "The tool failed: ...".
 *   <li>The last user text contains {@code A op B} ({@code + - * /}, integers or decimals) and
 *       {@code calculate} is offered → {@code TOOL_USE}: a reasoning block, a short text and one
 *       {@code calculate} tool use with {@code {"toolParameters":{"operand1":A,"operand2":B,
 *       "operation":"add|subtract|multiply|divide"}}}.
 *   <li>The text starts with {@code echo } and {@code echo} is offered → one {@code echo} tool use
 *       with {@code {"toolParameters":{"text":...}}}.
 *   <li>Otherwise → {@code END_TURN} with {@link #DEFAULT_REPLY}.
 * </ol>
 *
 * <p><b>Usage</b>: {@code inputTokens = ceil(C_in / 4) + 10} where {@code C_in} counts the
 * characters of every text and reasoning block, every tool-use input (as compact JSON) and every
 * tool-result content in the messages sent (not the system prompt, not the tool specs); {@code
 * outputTokens = ceil(C_out / 4) + 1} with {@code C_out} counted the same way over the response.
 * Cache tokens are 0. Tool-use ids are {@code tooluse_<messages sent>_<index>}.
 *
 * <p>With {@link #canned} it instead returns the given responses in order and throws {@link
 * ModelException} once they are used up. Thread-safe.
 */
public final class ScriptedModel implements Model {
  public static final String MODEL_ID = "scripted";
  public static final String DEFAULT_REPLY =
      "I am the scripted offline model. Ask me to calculate something like 12*7, "
          + "or start your message with 'echo '.";

  private static final Pattern ARITHMETIC =
      Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*([-+*/])\\s*(-?\\d+(?:\\.\\d+)?)");

  private final @Nullable List<ModelResponse> canned;
  private final AtomicInteger next = new AtomicInteger();

  /** The rule-based model. */
  public ScriptedModel() {
    this.canned = null;
  }

  private ScriptedModel(List<ModelResponse> canned) {
    this.canned = List.copyOf(canned);
  }

  /** A model returning {@code responses} in order, one per call, ignoring the request. */
  public static ScriptedModel canned(List<ModelResponse> responses) {
    return new ScriptedModel(responses);
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  @Override
  public ModelResponse converse(
      List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
    if (canned != null) {
      int i = next.getAndIncrement();
      if (i >= canned.size()) {
        throw new ModelException("scripted model: all " + canned.size() + " canned responses used");
      }
      return canned.get(i);
    }
    List<ContentBlock> out = new ArrayList<>();
    StopReason stop = respond(messages, tools, out);
    Usage usage = new Usage(ceilDiv(chars(messagesBlocks(messages)), 4) + 10, ceilDiv(chars(out), 4) + 1, 0, 0, 0);
    return new ModelResponse(out, stop, usage);
  }

  private static StopReason respond(List<Message> messages, List<ToolSpec> tools, List<ContentBlock> out) {
    Message last = messages.isEmpty() ? Message.user("") : messages.get(messages.size() - 1);
    if (!last.toolResults().isEmpty()) {
      List<String> sentences = new ArrayList<>();
      for (ContentBlock.ToolResultBlock result : last.toolResults()) {
        sentences.add(describe(result));
      }
      out.add(ContentBlock.text(String.join(" ", sentences)));
      return StopReason.END_TURN;
    }
    String text = last.role() == Role.USER ? last.text().trim() : "";
    String toolUseId = "tooluse_" + messages.size() + "_0";
    Matcher m = ARITHMETIC.matcher(text);
    if (offered(tools, "calculate") && m.find()) {
      String a = m.group(1);
      String op = m.group(2);
      String b = m.group(3);
      String expression = a + op + b;
      ObjectNode input = Json.object();
      input
          .putObject("toolParameters")
          .put("operand1", number(a))
          .put("operand2", number(b))
          .put("operation", operation(op));
      out.add(ContentBlock.reasoning("The user wants " + expression + "; I will use the calculate tool."));
      out.add(ContentBlock.text("Let me calculate " + expression + "."));
      out.add(ContentBlock.toolUse(toolUseId, "calculate", input));
      return StopReason.TOOL_USE;
    }
    if (offered(tools, "echo") && text.toLowerCase(Locale.ROOT).startsWith("echo ")) {
      ObjectNode input = Json.object();
      input.putObject("toolParameters").put("text", text.substring(5).trim());
      out.add(ContentBlock.reasoning("The user wants an echo; I will use the echo tool."));
      out.add(ContentBlock.toolUse(toolUseId, "echo", input));
      return StopReason.TOOL_USE;
    }
    out.add(ContentBlock.text(DEFAULT_REPLY));
    return StopReason.END_TURN;
  }

  private static String describe(ContentBlock.ToolResultBlock result) {
    if (result.status() == io.tracebridge.runtime.core.ToolStatus.ERROR) {
      return "The tool failed: " + result.content();
    }
    try {
      JsonNode json = Json.read(result.content());
      if (json.has("result")) {
        return "The result is " + json.get("result").asText() + ".";
      }
      if (json.has("echo")) {
        return "Echo: " + json.get("echo").asText();
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // Not JSON: fall through to the raw content.
    }
    return "The tool returned: " + result.content();
  }

  private static boolean offered(List<ToolSpec> tools, String name) {
    return tools.stream().anyMatch(t -> t.name().equals(name));
  }

  private static BigDecimal number(String literal) {
    return new BigDecimal(literal);
  }

  private static String operation(String symbol) {
    switch (symbol) {
      case "+":
        return "add";
      case "-":
        return "subtract";
      case "*":
        return "multiply";
      default:
        return "divide";
    }
  }

  private static List<ContentBlock> messagesBlocks(List<Message> messages) {
    List<ContentBlock> blocks = new ArrayList<>();
    messages.forEach(m -> blocks.addAll(m.content()));
    return blocks;
  }

  private static long chars(List<ContentBlock> blocks) {
    long n = 0;
    for (ContentBlock block : blocks) {
      if (block instanceof ContentBlock.Text t) {
        n += t.text().length();
      } else if (block instanceof ContentBlock.Reasoning r) {
        n += r.text().length();
      } else if (block instanceof ContentBlock.ToolUse u) {
        n += Json.write(u.input()).length();
      } else if (block instanceof ContentBlock.ToolResultBlock r) {
        n += r.content().length();
      }
    }
    return n;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
