package io.tracebridge.runtime.hooks;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.HookEvents;
import io.tracebridge.genai.TraceBridgeKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.annotation.Nullable;

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
 * <p><b>Live log records.</b> A span is exported only when it ends, so a tool running for 30 s
 * would show nothing for 30 s. Built with {@link #TelemetryCaptureHook(OpenTelemetry)}, the hook
 * also emits each event at once as an OpenTelemetry log record (instrumentation scope {@value
 * #LOG_SCOPE}), to this contract, which the span mapper and receiver read:
 *
 * <ul>
 *   <li>trace id and span id of the span the event is added to;
 *   <li>timestamp equal to the span event's timestamp (one {@link Instant} for both);
 *   <li>attribute {@value #EVENT_NAME_KEY} = the event name ({@code agent_prompt}, ...);
 *   <li>every attribute of the span event, {@code span.*} copies included;
 *   <li>attribute {@value #ORDINAL_KEY} (long) = the 0-based index of this event name among the
 *       span's events of that name;
 *   <li>no body.
 * </ul>
 *
 * <p>Thread-safe; holds no per-invocation state; never throws.
 */
public final class TelemetryCaptureHook implements HookProvider {
  /** Instrumentation scope of the live log records. */
  public static final String LOG_SCOPE = "io.tracebridge.runtime.hooks";
  /** Log record attribute holding the hook event name. */
  public static final String EVENT_NAME_KEY = GenAi.EVENT_NAME;
  /** Log record attribute: index of the event name within its span. */
  public static final String ORDINAL_KEY = TraceBridgeKeys.EVENT_ORDINAL;

  private static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey(EVENT_NAME_KEY);
  private static final AttributeKey<Long> ORDINAL = AttributeKey.longKey(ORDINAL_KEY);

  private final @Nullable Logger logs;
  private final Clock clock;

  /** Span events only, no log records. */
  public TelemetryCaptureHook() {
    this.logs = null;
    this.clock = Clock.systemUTC();
  }

  /** Span events, each also emitted as a log record through {@code openTelemetry}'s logs bridge. */
  public TelemetryCaptureHook(OpenTelemetry openTelemetry) {
    this.logs = openTelemetry.getLogsBridge().get(LOG_SCOPE);
    this.clock = Clock.systemUTC();
  }

  public static final AttributeKey<String> PROMPT = AttributeKey.stringKey(HookEvents.KEY_AGENT_PROMPT);
  public static final AttributeKey<String> RESPONSE = AttributeKey.stringKey(HookEvents.KEY_AGENT_RESPONSE);
  public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey(HookEvents.KEY_AGENT_INPUT_TOKENS);
  public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey(HookEvents.KEY_AGENT_OUTPUT_TOKENS);
  public static final AttributeKey<String> MODEL_NAME = AttributeKey.stringKey(HookEvents.KEY_MODEL_NAME);
  public static final AttributeKey<String> MODEL_PROMPT = AttributeKey.stringKey(HookEvents.KEY_MODEL_PROMPT);
  public static final AttributeKey<Long> MODEL_MESSAGES_COUNT = AttributeKey.longKey("model.messages_count");
  public static final AttributeKey<String> MODEL_RESPONSE_TEXT = AttributeKey.stringKey(HookEvents.KEY_MODEL_RESPONSE);
  public static final AttributeKey<String> MODEL_FINISH_REASON = AttributeKey.stringKey(HookEvents.KEY_MODEL_FINISH_REASON);
  public static final AttributeKey<String> MODEL_REASONING = AttributeKey.stringKey(HookEvents.KEY_MODEL_REASONING);
  public static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey(HookEvents.KEY_TOOL_NAME);
  public static final AttributeKey<String> TOOL_INPUT = AttributeKey.stringKey(HookEvents.KEY_TOOL_INPUT);
  public static final AttributeKey<String> TOOL_OUTPUT = AttributeKey.stringKey(HookEvents.KEY_TOOL_OUTPUT);
  public static final AttributeKey<String> TOOL_STATUS = AttributeKey.stringKey(HookEvents.KEY_TOOL_STATUS);
  public static final String TRACE_PARSING_ERROR = HookEvents.KEY_TRACE_PARSING_ERROR;
  /** Prefix of the span attribute copies on every event. */
  public static final String SPAN_PREFIX = HookEvents.SPAN_COPY_PREFIX;

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
    capture(HookEvents.AGENT_PROMPT, () -> Attributes.builder().put(PROMPT, event.prompt()));
  }

  private void onInvocationEnd(AfterInvocationEvent event) {
    capture(
        HookEvents.AGENT_RESPONSE,
        () ->
            Attributes.builder()
                .put(RESPONSE, event.result().text())
                .put(INPUT_TOKENS, event.result().usage().inputTokens())
                .put(OUTPUT_TOKENS, event.result().usage().outputTokens()));
  }

  private void onModelStart(BeforeModelCallEvent event) {
    capture(
        HookEvents.MODEL_REQUEST,
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
        HookEvents.MODEL_RESPONSE,
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
        HookEvents.TOOL_REQUEST,
        () ->
            Attributes.builder()
                .put(TOOL_NAME, event.toolUse().name())
                .put(TOOL_INPUT, event.toolUse().input().isEmpty() ? "" : Json.write(event.toolUse().input())));
  }

  private void onToolEnd(AfterToolCallEvent event) {
    capture(
        HookEvents.TOOL_RESPONSE,
        () ->
            Attributes.builder()
                .put(TOOL_OUTPUT, event.result().content())
                .put(TOOL_STATUS, event.result().status().wireName()));
  }

  private void capture(String name, Supplier<AttributesBuilder> attributes) {
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
    long ordinal = 0;
    if (span instanceof ReadableSpan readable) {
      AttributesBuilder target = event;
      readable.getAttributes().forEach((k, v) -> target.put(SPAN_PREFIX + k.getKey(), String.valueOf(v)));
      if (logs != null) {
        ordinal = readable.toSpanData().getEvents().stream().filter(e -> e.getName().equals(name)).count();
      }
    }
    Attributes built = event.build();
    Instant now = clock.instant();
    span.addEvent(name, built, now);
    if (logs != null) {
      logs.logRecordBuilder()
          .setContext(Context.current().with(span))
          .setTimestamp(now)
          .setAllAttributes(built)
          .setAttribute(EVENT_NAME, name)
          .setAttribute(ORDINAL, ordinal)
          .emit();
    }
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
