package io.tracebridge.runtime.telemetry;

import io.tracebridge.genai.GenAi;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.internal.Json;
import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * The content events Strands' tracer adds to its spans, in either {@link SemconvMode}.
 *
 * <p>{@link SemconvMode#LEGACY}: per-message events named by role ({@code gen_ai.user.message},
 * {@code gen_ai.assistant.message}, {@code gen_ai.tool.message} for a message holding tool
 * results, {@code gen_ai.system.message}) with {@code content} = the JSON of the message's
 * Strands content blocks ({@code text}, {@code toolUse}, {@code toolResult}, {@code
 * reasoningContent}); outputs as {@code gen_ai.choice}.
 *
 * <p>{@link SemconvMode#LATEST}: one event name, {@code gen_ai.client.inference.operation.details},
 * with JSON strings {@code gen_ai.input.messages}, {@code gen_ai.output.messages} and {@code
 * gen_ai.system_instructions}; messages are {@code {role, parts[]}} with parts {@code text}, {@code
 * tool_call}, {@code tool_call_response} and (as Strands writes it) {@code reasoningContent}.
 *
 * <p>Immutable and thread-safe; never throws (an event that cannot be built is skipped). Events
 * are added only to recording spans.
 */
public final class StrandsContentEvents {

  public static final AttributeKey<String> CONTENT = AttributeKey.stringKey("content");
  public static final AttributeKey<String> MESSAGE = AttributeKey.stringKey("message");
  public static final AttributeKey<String> FINISH_REASON = AttributeKey.stringKey("finish_reason");
  public static final AttributeKey<String> ROLE = AttributeKey.stringKey("role");
  public static final AttributeKey<String> ID = AttributeKey.stringKey("id");
  public static final AttributeKey<String> TOOL_RESULT = AttributeKey.stringKey(io.tracebridge.genai.Strands.CHOICE_TOOL_RESULT);
  public static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey(GenAi.INPUT_MESSAGES);
  public static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey(GenAi.OUTPUT_MESSAGES);
  public static final AttributeKey<String> SYSTEM_INSTRUCTIONS =
      AttributeKey.stringKey(GenAi.SYSTEM_INSTRUCTIONS);

  private final SemconvMode mode;

  public StrandsContentEvents(SemconvMode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  public SemconvMode mode() {
    return mode;
  }

  /** {@code invoke_agent} start: the messages this invocation adds (the prompt). */
  public void agentStart(Span span, List<Message> newMessages) {
    safely(() -> doAgentStart(span, newMessages));
  }

  private void doAgentStart(Span span, List<Message> newMessages) {
    if (!span.isRecording()) {
      return;
    }
    if (mode == SemconvMode.LEGACY) {
      messageEvents(span, newMessages);
    } else {
      span.addEvent(GenAi.EVENT_OPERATION_DETAILS, Attributes.of(INPUT_MESSAGES, Json.write(messages(newMessages))));
    }
  }

  /** {@code invoke_agent} end: the final text and the agent's finish reason. */
  public void agentEnd(Span span, String text, String finishReason) {
    safely(() -> doAgentEnd(span, text, finishReason));
  }

  private void doAgentEnd(Span span, String text, String finishReason) {
    if (!span.isRecording()) {
      return;
    }
    if (mode == SemconvMode.LEGACY) {
      span.addEvent(GenAi.EVENT_CHOICE, Attributes.of(MESSAGE, text, FINISH_REASON, finishReason));
    } else {
      ObjectNode out = Json.object().put("role", Role.ASSISTANT.wireName());
      out.putArray("parts").addObject().put("type", "text").put("content", text);
      out.put("finish_reason", finishReason);
      span.addEvent(GenAi.EVENT_OPERATION_DETAILS, Attributes.of(OUTPUT_MESSAGES, Json.write(Json.MAPPER.createArrayNode().add(out))));
    }
  }

  /** {@code execute_event_loop_cycle} start: the conversation the cycle starts from. */
  public void cycleStart(Span span, List<Message> conversation) {
    agentStart(span, conversation);
  }

  /** {@code execute_event_loop_cycle} end, only when the cycle ran tools. */
  public void cycleEnd(Span span, Message assistant, Message toolResults) {
    safely(() -> doCycleEnd(span, assistant, toolResults));
  }

  private void doCycleEnd(Span span, Message assistant, Message toolResults) {
    if (!span.isRecording()) {
      return;
    }
    if (mode == SemconvMode.LEGACY) {
      span.addEvent(
          GenAi.EVENT_CHOICE,
          Attributes.of(
              MESSAGE, Json.write(content(assistant.content())),
              TOOL_RESULT, Json.write(content(toolResults.content()))));
    } else {
      span.addEvent(
          GenAi.EVENT_OPERATION_DETAILS, Attributes.of(OUTPUT_MESSAGES, Json.write(messages(List.of(toolResults)))));
    }
  }

  /** {@code chat} start: system prompt and the messages sent. */
  public void chatStart(Span span, @Nullable String systemPrompt, List<Message> sent) {
    safely(() -> doChatStart(span, systemPrompt, sent));
  }

  private void doChatStart(Span span, @Nullable String systemPrompt, List<Message> sent) {
    if (!span.isRecording()) {
      return;
    }
    if (mode == SemconvMode.LEGACY) {
      if (systemPrompt != null) {
        ArrayNode content = Json.MAPPER.createArrayNode();
        content.addObject().put("text", systemPrompt);
        span.addEvent(GenAi.EVENT_SYSTEM_MESSAGE, Attributes.of(CONTENT, Json.write(content)));
      }
      messageEvents(span, sent);
    } else {
      var attrs = Attributes.builder().put(INPUT_MESSAGES, Json.write(messages(sent)));
      if (systemPrompt != null) {
        ArrayNode instructions = Json.MAPPER.createArrayNode();
        instructions.addObject().put("type", "text").put("content", systemPrompt);
        attrs.put(SYSTEM_INSTRUCTIONS, Json.write(instructions));
      }
      span.addEvent(GenAi.EVENT_OPERATION_DETAILS, attrs.build());
    }
  }

  /** {@code chat} end: the model's message and stop reason. */
  public void chatEnd(Span span, ModelResponse response) {
    safely(() -> doChatEnd(span, response));
  }

  private void doChatEnd(Span span, ModelResponse response) {
    if (!span.isRecording()) {
      return;
    }
    String finish = response.stopReason().wireName();
    if (mode == SemconvMode.LEGACY) {
      span.addEvent(GenAi.EVENT_CHOICE, Attributes.of(FINISH_REASON, finish, MESSAGE, Json.write(content(response.content()))));
    } else {
      ObjectNode out = message(response.message());
      out.put("finish_reason", finish);
      span.addEvent(GenAi.EVENT_OPERATION_DETAILS, Attributes.of(OUTPUT_MESSAGES, Json.write(Json.MAPPER.createArrayNode().add(out))));
    }
  }

  /** {@code execute_tool} start: the tool use as the model produced it. */
  public void toolStart(Span span, ContentBlock.ToolUse use) {
    safely(() -> doToolStart(span, use));
  }

  private void doToolStart(Span span, ContentBlock.ToolUse use) {
    if (!span.isRecording()) {
      return;
    }
    if (mode == SemconvMode.LEGACY) {
      span.addEvent(
          GenAi.EVENT_TOOL_MESSAGE,
          Attributes.of(ROLE, "tool", CONTENT, Json.write(use.input()), ID, use.toolUseId()));
    } else {
      ObjectNode msg = Json.object().put("role", "tool");
      msg.putArray("parts").add(part(use));
      span.addEvent(GenAi.EVENT_OPERATION_DETAILS, Attributes.of(INPUT_MESSAGES, Json.write(Json.MAPPER.createArrayNode().add(msg))));
    }
  }

  /** {@code execute_tool} end: the tool's result. */
  public void toolEnd(Span span, ContentBlock.ToolUse use, ToolResult result) {
    safely(() -> doToolEnd(span, use, result));
  }

  private void doToolEnd(Span span, ContentBlock.ToolUse use, ToolResult result) {
    if (!span.isRecording()) {
      return;
    }
    ContentBlock.ToolResultBlock block = ContentBlock.toolResult(use.toolUseId(), result);
    if (mode == SemconvMode.LEGACY) {
      span.addEvent(GenAi.EVENT_CHOICE, Attributes.of(MESSAGE, Json.write(resultContent(block)), ID, use.toolUseId()));
    } else {
      ObjectNode msg = Json.object().put("role", "tool");
      msg.putArray("parts").add(part(block));
      span.addEvent(GenAi.EVENT_OPERATION_DETAILS, Attributes.of(OUTPUT_MESSAGES, Json.write(Json.MAPPER.createArrayNode().add(msg))));
    }
  }

  /** Content events are best-effort: a failure to build one never fails the agent. */
  private static void safely(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      // Counted nowhere yet; the span still has its hook events and attributes.
    }
  }

  private static void messageEvents(Span span, List<Message> messages) {
    for (Message m : messages) {
      String name =
          m.role() == Role.ASSISTANT
              ? GenAi.EVENT_ASSISTANT_MESSAGE
              : m.toolResults().isEmpty() ? GenAi.EVENT_USER_MESSAGE : GenAi.EVENT_TOOL_MESSAGE;
      span.addEvent(name, Attributes.of(CONTENT, Json.write(content(m.content()))));
    }
  }

  /** Strands (Converse-shaped) content blocks. */
  static ArrayNode content(List<ContentBlock> blocks) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ContentBlock block : blocks) {
      if (block instanceof ContentBlock.Text t) {
        out.addObject().put("text", t.text());
      } else if (block instanceof ContentBlock.Reasoning r) {
        ObjectNode text = out.addObject().putObject("reasoningContent").putObject("reasoningText").put("text", r.text());
        if (r.signature() != null) {
          text.put("signature", r.signature());
        }
      } else if (block instanceof ContentBlock.ToolUse u) {
        ObjectNode use = out.addObject().putObject("toolUse").put("toolUseId", u.toolUseId()).put("name", u.name());
        use.set("input", u.input().deepCopy());
      } else if (block instanceof ContentBlock.ToolResultBlock r) {
        out.addObject().set("toolResult", toolResult(r));
      }
    }
    return out;
  }

  private static ObjectNode toolResult(ContentBlock.ToolResultBlock r) {
    ObjectNode result = Json.object().put("toolUseId", r.toolUseId()).put("status", r.status().wireName());
    result.set("content", resultContent(r));
    return result;
  }

  private static ArrayNode resultContent(ContentBlock.ToolResultBlock r) {
    ArrayNode content = Json.MAPPER.createArrayNode();
    content.addObject().put("text", r.content());
    return content;
  }

  private static ArrayNode messages(List<Message> messages) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    messages.forEach(m -> out.add(message(m)));
    return out;
  }

  private static ObjectNode message(Message m) {
    ObjectNode msg = Json.object().put("role", m.role().wireName());
    ArrayNode parts = msg.putArray("parts");
    m.content().forEach(b -> parts.add(part(b)));
    return msg;
  }

  private static ObjectNode part(ContentBlock block) {
    ObjectNode part = Json.object();
    if (block instanceof ContentBlock.Text t) {
      part.put("type", "text").put("content", t.text());
    } else if (block instanceof ContentBlock.Reasoning r) {
      part.put("type", "reasoningContent");
      ObjectNode text = part.putObject("content").putObject("reasoningText").put("text", r.text());
      if (r.signature() != null) {
        text.put("signature", r.signature());
      }
    } else if (block instanceof ContentBlock.ToolUse u) {
      part.put("type", "tool_call").put("name", u.name()).put("id", u.toolUseId());
      part.set("arguments", u.input().deepCopy());
    } else if (block instanceof ContentBlock.ToolResultBlock r) {
      part.put("type", "tool_call_response").put("id", r.toolUseId());
      part.set("response", resultContent(r));
    }
    return part;
  }
}
