package io.tracebridge.mapper.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * What the seed's {@code TelemetryCaptureHook} writes when it has nothing better, recognised so
 * that it is not shown as content.
 *
 * <p>Its {@code _parse_message} returns the first text block of a message; a message with no text
 * block (a tool-only turn: only {@code toolUse} blocks) falls through to {@code str(message)},
 * Python's repr of the message dict ({@code {'role': 'assistant', 'content': [{'toolUse': ...}],
 * 'metadata': ...}}), and an object message's blocks are joined as their reprs. Neither is what
 * the model said: {@link #content} reads them as absent.
 *
 * <p>Its {@code _on_tool_end} writes {@code tool.output = json.dumps(event.result)}, Strands'
 * {@code ToolResult} {@code {"toolUseId", "status", "content"}}: {@link #toolUseId} and {@link
 * #toolStatus} read the call id and status from it.
 */
final class SeedHookText {
  /** A Python dict repr of a message, or of a content block, as {@code str()} prints them. */
  private static final Pattern PYTHON_MESSAGE_REPR = Pattern.compile(
      "^\\{'(role|content|toolUse|toolResult|reasoningContent|image|document|video"
          + "|cachePoint|guardContent|citationsContent)': .*\\}$",
      Pattern.DOTALL);
  private static final String TOOL_USE_ID = "toolUseId";
  private static final String STATUS = "status";

  private SeedHookText() {}

  /** {@code text}, or null if it is the hook's Python repr of a message rather than content. */
  @Nullable
  static String content(@Nullable String text) {
    return text != null && PYTHON_MESSAGE_REPR.matcher(text.strip()).matches() ? null : text;
  }

  /** The {@code toolUseId} of a Strands {@code ToolResult} as JSON, or null. */
  @Nullable
  static String toolUseId(@Nullable String toolOutput) {
    return field(toolOutput, TOOL_USE_ID);
  }

  /** The {@code status} of a Strands {@code ToolResult} as JSON, or null. */
  @Nullable
  static String toolStatus(@Nullable String toolOutput) {
    return field(toolOutput, STATUS);
  }

  @Nullable
  private static String field(@Nullable String json, String name) {
    JsonNode tree = MessageParser.parse(json);
    if (tree == null || !tree.isObject() || !tree.path(name).isTextual()) {
      return null;
    }
    String value = tree.path(name).asText();
    return value.isBlank() ? null : value;
  }
}
