package io.tracebridge.mapper;

import javax.annotation.Nullable;

/**
 * The tool part of a {@code tool_request} or {@code tool_response} record.
 *
 * @param name the tool name as the model saw it (for AgentCore Gateway tools {@code group___action})
 * @param callId the model's tool-use id, when the producer records it
 * @param actionGroup the part of {@code name} before {@code ___}, or the whole name
 * @param action the part of {@code name} after {@code ___}, or the whole name
 * @param input the tool input as JSON text
 * @param output the tool output as text (usually JSON)
 * @param status {@code success} or {@code error} when known
 */
public record ToolCall(
    @Nullable String name,
    @Nullable String callId,
    @Nullable String actionGroup,
    @Nullable String action,
    @Nullable String input,
    @Nullable String output,
    @Nullable String status) {

  /** The separator AgentCore Gateway puts between a target (action group) and a tool. */
  public static final String GATEWAY_SEPARATOR = "___";

  /** A tool call whose action group and action are split from {@code name} as the seed does. */
  public static ToolCall named(
      @Nullable String name,
      @Nullable String callId,
      @Nullable String input,
      @Nullable String output,
      @Nullable String status) {
    String group = name;
    String action = name;
    if (name != null) {
      int at = name.indexOf(GATEWAY_SEPARATOR);
      if (at >= 0) {
        group = name.substring(0, at);
        action = name.substring(at + GATEWAY_SEPARATOR.length());
      }
    }
    return new ToolCall(name, callId, group, action, input, output, status);
  }
}
