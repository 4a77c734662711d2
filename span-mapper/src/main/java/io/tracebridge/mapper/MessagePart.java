package io.tracebridge.mapper;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One part of an {@link InputMessage}, typed as the GenAI semantic conventions type parts.
 *
 * @param type {@link #TEXT}, {@link #REASONING}, {@link #TOOL_CALL} or {@link #TOOL_CALL_RESPONSE}
 * @param content the text ({@code text}, {@code reasoning}), the arguments as JSON text ({@code
 *     tool_call}) or the result as text ({@code tool_call_response})
 * @param toolName the tool's name ({@code tool_call})
 * @param callId the tool call id ({@code tool_call}, {@code tool_call_response})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessagePart(
    String type, @Nullable String content, @Nullable String toolName, @Nullable String callId) {
  public static final String TEXT = "text";
  public static final String REASONING = "reasoning";
  public static final String TOOL_CALL = "tool_call";
  public static final String TOOL_CALL_RESPONSE = "tool_call_response";

  public MessagePart {
    Objects.requireNonNull(type, "type");
  }
}
