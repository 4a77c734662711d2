package io.tracebridge.runtime.hooks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.tracebridge.runtime.agent.AfterInvocationEvent;
import io.tracebridge.runtime.agent.AfterModelCallEvent;
import io.tracebridge.runtime.agent.AfterToolCallEvent;
import io.tracebridge.runtime.agent.BeforeInvocationEvent;
import io.tracebridge.runtime.agent.BeforeModelCallEvent;
import io.tracebridge.runtime.agent.BeforeToolCallEvent;
import io.tracebridge.runtime.agent.HookProvider;
import io.tracebridge.runtime.agent.HookRegistry;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.telemetry.GenAiAttributes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Adds functional span events to the current span, as the seed's {@code TelemetryCaptureHook}
 * does: {@code agent_prompt}, {@code model_request}, {@code model_response}, {@code tool_request},
 * {@code tool_response} and {@code agent_response}. Each event also carries every attribute of the
 * span it is added to, as a string under {@code span.<key>} (read through the SDK's {@link
 * ReadableSpan}; absent with a non-SDK span). When building an event's attributes fails, the
 * same-named event is added with only {@value #TRACE_PARSING_ERROR} (the message) plus the {@code
 * span.*} copies. Nothing is added when the current span is not recording; a failed model call
 * adds no {@code model_response} (the {@code chat} span records the exception).
 *
 * <p>{@code tool.input} is the input as the model produced it, taken from the event's unmodified
 * {@link BeforeToolCallEvent#toolUse()}: session attributes added by {@link SessionContextHook}
 * never appear, whatever the registration order.
 *
 * <p>Stateless and thread-safe; never throws.
 */
public final class TelemetryCaptureHook implements HookProvider {
  public static final String AGENT_PROMPT = "agent_prompt";
  public static final String MODEL_REQUEST = "model_request";
  public static final String MODEL_RESPONSE = "model_response";
  public static final String TOOL_REQUEST = "tool_request";
  public static final String TOOL_RESPONSE = "tool_response";
  public static final String AGENT_RESPONSE = "agent_response";

  public static final AttributeKey<String> PROMPT = AttributeKey.stringKey("agent.prompt");
  public static final AttributeKey<String> RESPONSE = AttributeKey.stringKey("agent.response");
  public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("agent.input_tokens");
  public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("agent.output_tokens");
  public static final AttributeKey<String> MODEL_NAME = AttributeKey.stringKey("model.name");
  public static final AttributeKey<String> MODEL_PROMPT = AttributeKey.stringKey("model.prompt");
  public static final AttributeKey<Long> MODEL_MESSAGES_COUNT = AttributeKey.longKey("model.messages_count");
  public static final AttributeKey<String> MODEL_RESPONSE_TEXT = AttributeKey.stringKey("model.response");
  public static final AttributeKey<String> MODEL_FINISH_REASON = AttributeKey.stringKey("model.finish_reason");
  public static final AttributeKey<String> MODEL_REASONING = AttributeKey.stringKey("model.reasoning");
  public static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("tool.name");
  public static final AttributeKey<String> TOOL_INPUT = AttributeKey.stringKey("tool.input");
  public static final AttributeKey<String> TOOL_OUTPUT = AttributeKey.stringKey("tool.output");
  public static final AttributeKey<String> TOOL_STATUS = AttributeKey.stringKey("tool.status");
  public static final String TRACE_PARSING_ERROR = "trace_parsing_error";
  /** Prefix of the span attribute copies on every event. */
  public static final String SPAN_PREFIX = "span.";

  @Override
  public void registerHooks(HookRegistry registry) {
    registry
        .addCallback(BeforeInvocationEvent.class, this::onInvocationStart)
        .addCallback(AfterInvocationEvent.class, this::onInvocationEnd)
        .addCallback(BeforeModelCallEvent.class, this::onModelStart)
        .addCallback(AfterModelCallEvent.class, this::onModelEnd)
        .addCallback(BeforeToolCallEvent.class, this::onToolStart)
        .addCallback(AfterToolCallEvent.class, this::onToolEnd);
  }

  private void onInvocationStart(BeforeInvocationEvent event) {
    capture(AGENT_PROMPT, () -> Attributes.builder().put(PROMPT, event.prompt()));
  }

  private void onInvocationEnd(AfterInvocationEvent event) {
    capture(
        AGENT_RESPONSE,
        () ->
            Attributes.builder()
                .put(RESPONSE, event.result().text())
                .put(INPUT_TOKENS, event.result().usage().inputTokens())
                .put(OUTPUT_TOKENS, event.result().usage().outputTokens()));
  }

  private void onModelStart(BeforeModelCallEvent event) {
    capture(
        MODEL_REQUEST,
        () ->
            Attributes.builder()
                .put(MODEL_NAME, currentModelName())
                .put(MODEL_PROMPT, lastUserText(event.messages()))
                .put(MODEL_MESSAGES_COUNT, (long) event.messages().size()));
  }

  private void onModelEnd(AfterModelCallEvent event) {
    ModelResponse response = event.response();
    if (response == null) {
      return;
    }
    capture(
        MODEL_RESPONSE,
        () -> {
          AttributesBuilder b =
              Attributes.builder()
                  .put(MODEL_RESPONSE_TEXT, response.firstText().orElse(""))
                  .put(MODEL_FINISH_REASON, response.stopReason().wireName());
          response.reasoning().ifPresent(r -> b.put(MODEL_REASONING, r));
          return b;
        });
  }

  private void onToolStart(BeforeToolCallEvent event) {
    capture(
        TOOL_REQUEST,
        () ->
            Attributes.builder()
                .put(TOOL_NAME, event.toolUse().name())
                .put(TOOL_INPUT, event.toolUse().input().isEmpty() ? "" : Json.write(event.toolUse().input())));
  }

  private void onToolEnd(AfterToolCallEvent event) {
    capture(
        TOOL_RESPONSE,
        () ->
            Attributes.builder()
                .put(TOOL_OUTPUT, event.result().content())
                .put(TOOL_STATUS, event.result().status().wireName()));
  }

  private static void capture(String name, Supplier<AttributesBuilder> attributes) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    AttributesBuilder event;
    try {
      event = attributes.get();
    } catch (RuntimeException e) {
      event = Attributes.builder().put(TRACE_PARSING_ERROR, String.valueOf(e.getMessage()));
    }
    if (span instanceof ReadableSpan readable) {
      AttributesBuilder target = event;
      readable.getAttributes().forEach((k, v) -> target.put(SPAN_PREFIX + k.getKey(), String.valueOf(v)));
    }
    span.addEvent(name, event.build());
  }

  private static String currentModelName() {
    Span span = Span.current();
    if (span instanceof ReadableSpan readable) {
      return Objects.requireNonNullElse(readable.getAttribute(GenAiAttributes.REQUEST_MODEL), "");
    }
    return "";
  }

  /** Text of the most recent user message that has text (tool-result messages have none). */
  static String lastUserText(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m.role() == Role.USER) {
        Optional<String> text = m.firstText();
        if (text.isPresent()) {
          return text.get();
        }
      }
    }
    return "";
  }
}
