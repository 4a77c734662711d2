package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.internal.Attributes.firstIn;

import io.tracebridge.mapper.ToolCall;
import javax.annotation.Nullable;

/**
 * The tool part of {@code tool_request} and {@code tool_response} records.
 *
 * <p>The name comes from the event's {@code tool.name}, else the span's {@code gen_ai.tool.name};
 * the call id from the span's {@code gen_ai.tool.call.id}; the status from the event's {@code
 * tool.status}, else the span's {@code gen_ai.tool.status}. Span values are also read from the
 * event's {@code span.} copies. On a response, when the span says neither, the call id and status
 * come from the output when it is Strands' {@code ToolResult} (the seed hook writes {@code
 * json.dumps(event.result)}), so the hook copy on a cycle span names the call it answers. Splitting {@code group___action} is {@link ToolCall#named}'s job.
 */
final class ToolCallMapper {
  private ToolCallMapper() {}

  static ToolCall request(SpanView span, Attributes event) {
    return ToolCall.named(
        name(span, event), callId(span, event), event.get(GenAiAttributes.HOOK_TOOL_INPUT),
        null, null);
  }

  static ToolCall response(SpanView span, Attributes event) {
    String output = event.get(GenAiAttributes.HOOK_TOOL_OUTPUT);
    String status = event.get(GenAiAttributes.HOOK_TOOL_STATUS);
    if (status == null) {
      status = firstIn(GenAiAttributes.TOOL_STATUS, span.attributes(), event.spanCopies());
    }
    if (status == null) {
      status = SeedHookText.toolStatus(output);
    }
    String callId = callId(span, event);
    if (callId == null) {
      callId = SeedHookText.toolUseId(output);
    }
    return ToolCall.named(name(span, event), callId, null, output, status);
  }

  @Nullable
  private static String name(SpanView span, Attributes event) {
    String name = event.get(GenAiAttributes.HOOK_TOOL_NAME);
    return name != null
        ? name
        : firstIn(GenAiAttributes.TOOL_NAME, span.attributes(), event.spanCopies());
  }

  @Nullable
  private static String callId(SpanView span, Attributes event) {
    return firstIn(GenAiAttributes.TOOL_CALL_ID, span.attributes(), event.spanCopies());
  }
}
