package io.tracebridge.cloudwatch.internal;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.HookEvents;
import io.tracebridge.genai.OpenInference;
import io.tracebridge.genai.OpenLlmetry;
import io.tracebridge.genai.Strands;
import io.tracebridge.genai.TraceBridgeKeys;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that decides which span and event attributes are GenAI <b>content</b> (prompts,
 * completions, reasoning, tool inputs and outputs), and removes them from spans before they go to
 * X-Ray or to the CloudWatch OTLP endpoint when {@code spanContent} is off. Everything else stays:
 * names, ids, times, status, events (name and time), token counts, model, agent, tool name,
 * session id, finish reasons, roles.
 *
 * <p>An attribute is content when
 *
 * <ol>
 *   <li>its key is one of {@link #KEYS}, on the span or on any of its events;
 *   <li>its key is an indexed message key ({@link #INDEXED}: {@code gen_ai.prompt.N.*}, {@code
 *       gen_ai.completion.N.*}, {@code llm.input_messages.N.*}, {@code llm.output_messages.N.*}),
 *       on the span or on an event, unless its last part names rather than holds content ({@link
 *       #INDEXED_KEPT}: role, tool name, ids, type, finish reason);
 *   <li>it is an event attribute whose generic key ({@code content}, {@code message}, ...) is
 *       content in events of that name ({@link #EVENT_KEYS});
 *   <li>it is an event attribute {@code span.<key>} where {@code <key>} is content by 1 or 2: the
 *       runtime's hook events carry a copy of every span attribute under {@code span.}.
 * </ol>
 *
 * A span from which anything was removed gets the attribute {@value #MARKER} = {@code true}
 * (in X-Ray it shows as {@code metadata.default["tracebridge.content.removed"]}). Stateless.
 */
public final class ContentAttributes {
  /** Span attribute set on a span from which content was removed. */
  public static final String MARKER = TraceBridgeKeys.CONTENT_REMOVED;
  /** Prefix of the span attribute copies on the runtime's hook events (TelemetryCaptureHook). */
  static final String SPAN_COPY_PREFIX = HookEvents.SPAN_COPY_PREFIX;

  /** Keys that hold content wherever they appear: span attributes and event attributes. */
  static final Set<String> KEYS = Set.of(
      // OTel GenAI semantic conventions (v1.37+): JSON messages, on the span or on the
      // gen_ai.client.inference.operation.details event (Strands' latest mode puts them on the
      // event, and also on the span when exporting to Langfuse).
      GenAi.INPUT_MESSAGES,
      GenAi.OUTPUT_MESSAGES,
      GenAi.SYSTEM_INSTRUCTIONS,
      // OTel GenAI semantic conventions: execute_tool spans.
      GenAi.TOOL_CALL_ARGUMENTS,
      GenAi.TOOL_CALL_RESULT,
      // Older semconv / OpenLLMetry single values (also the attributes of the v1.26
      // gen_ai.content.prompt / gen_ai.content.completion events).
      GenAi.PROMPT,
      GenAi.COMPLETION,
      // OpenInference: the input and output of any span kind, and raw prompts.
      OpenInference.INPUT_VALUE,
      OpenInference.OUTPUT_VALUE,
      OpenInference.PROMPTS,
      // TraceBridge runtime hook events (agent-runtime TelemetryCaptureHook): agent_prompt,
      // agent_response, model_request, model_response (with reasoning), tool_request, tool_response.
      HookEvents.KEY_AGENT_PROMPT,
      HookEvents.KEY_AGENT_RESPONSE,
      HookEvents.KEY_MODEL_PROMPT,
      HookEvents.KEY_MODEL_RESPONSE,
      HookEvents.KEY_MODEL_REASONING,
      HookEvents.KEY_TOOL_INPUT,
      HookEvents.KEY_TOOL_OUTPUT,
      // Strands legacy mode: gen_ai.choice of a cycle that ran tools carries the tool results.
      // Also an ADOT LLO key.
      Strands.CHOICE_TOOL_RESULT,
      // The remaining exact keys of the ADOT Python LLO handler (llo_handler.py LLO_PATTERNS),
      // which AgentCore moves from spans to logs: other frameworks' content, and the Strands
      // message event names, which it also matches as attribute keys.
      "gen_ai.content.revised_prompt",
      "gen_ai.agent.actual_output",
      "gen_ai.agent.human_input",
      OpenLlmetry.ENTITY_INPUT,
      OpenLlmetry.ENTITY_OUTPUT,
      "crewai.crew.tasks_output",
      "crewai.crew.result",
      "system_prompt",
      GenAi.EVENT_USER_MESSAGE,
      GenAi.EVENT_ASSISTANT_MESSAGE,
      GenAi.EVENT_SYSTEM_MESSAGE,
      GenAi.EVENT_TOOL_MESSAGE,
      GenAi.EVENT_CHOICE);

  /**
   * Indexed (flattened) message lists: OpenLLMetry / older semconv {@code gen_ai.prompt.N.content},
   * {@code .tool_calls.M.arguments}, ... and {@code gen_ai.completion.N.*}; OpenInference {@code
   * llm.input_messages.N.message.content}, {@code .contents.M.message_content.text}, {@code
   * .tool_calls.M.tool_call.function.arguments}, ... and {@code llm.output_messages.N.message.*}.
   * Any part of a message is content unless its last part is one of {@link #INDEXED_KEPT}, so an
   * unknown part is removed rather than leaked.
   */
  static final Pattern INDEXED =
      Pattern.compile("(gen_ai\\.prompt|gen_ai\\.completion|llm\\.input_messages|llm\\.output_messages)\\.\\d+(\\..*)?");

  /**
   * Last parts of an indexed message key that describe the message rather than hold its content:
   * {@code role}, {@code name} (tool or function name, OpenInference {@code message.name} and
   * {@code tool_call.function.name}), {@code id} and {@code tool_call_id}, {@code type} (of a
   * content part), {@code finish_reason}, OpenInference {@code function_call_name}.
   */
  static final Set<String> INDEXED_KEPT =
      Set.of("role", "name", "id", "tool_call_id", "type", "finish_reason", "function_call_name");

  /**
   * Generic event attribute keys that are content only in events of the given name: the Strands
   * legacy message events ({@code role}, {@code id} and {@code finish_reason} stay), and the
   * semconv v1.28 message event bodies when an SDK flattens them into attributes.
   */
  static final Map<String, Set<String>> EVENT_KEYS = Map.of(
      GenAi.EVENT_SYSTEM_MESSAGE, Set.of("content"),
      GenAi.EVENT_USER_MESSAGE, Set.of("content"),
      GenAi.EVENT_ASSISTANT_MESSAGE, Set.of("content", "tool_calls"),
      GenAi.EVENT_TOOL_MESSAGE, Set.of("content"),
      GenAi.EVENT_CHOICE, Set.of("message"));

  private ContentAttributes() {}

  /** True when a span attribute (or an event attribute, in any event) with this key is content. */
  public static boolean isContent(String key) {
    if (KEYS.contains(key)) {
      return true;
    }
    if (!INDEXED.matcher(key).matches()) {
      return false;
    }
    return !INDEXED_KEPT.contains(key.substring(key.lastIndexOf('.') + 1));
  }

  /** True when the attribute {@code key} of an event named {@code eventName} is content. */
  public static boolean isEventContent(String eventName, String key) {
    if (isContent(key) || EVENT_KEYS.getOrDefault(eventName, Set.of()).contains(key)) {
      return true;
    }
    return key.startsWith(SPAN_COPY_PREFIX) && isContent(key.substring(SPAN_COPY_PREFIX.length()));
  }

  /**
   * The request without content: spans with content are rebuilt without it and marked; the
   * request itself is returned when no span has content.
   */
  public static ExportTraceServiceRequest strip(ExportTraceServiceRequest request) {
    if (!hasContent(request)) {
      return request;
    }
    ExportTraceServiceRequest.Builder builder = request.toBuilder();
    for (ResourceSpans.Builder resourceSpans : builder.getResourceSpansBuilderList()) {
      for (ScopeSpans.Builder scopeSpans : resourceSpans.getScopeSpansBuilderList()) {
        for (int i = 0; i < scopeSpans.getSpansCount(); i++) {
          Span span = scopeSpans.getSpans(i);
          Span stripped = strip(span);
          if (stripped != span) {
            scopeSpans.setSpans(i, stripped);
          }
        }
      }
    }
    return builder.build();
  }

  /** The span without content, marked with {@value #MARKER}; the span itself when it has none. */
  public static Span strip(Span span) {
    if (!hasContent(span)) {
      return span;
    }
    Span.Builder builder = span.toBuilder().clearAttributes();
    for (KeyValue kv : span.getAttributesList()) {
      if (!isContent(kv.getKey()) && !MARKER.equals(kv.getKey())) {
        builder.addAttributes(kv);
      }
    }
    builder.addAttributes(KeyValue.newBuilder().setKey(MARKER).setValue(AnyValue.newBuilder().setBoolValue(true)));
    builder.clearEvents();
    for (Span.Event event : span.getEventsList()) {
      if (!hasContent(event)) {
        builder.addEvents(event);
        continue;
      }
      List<KeyValue> kept = new ArrayList<>();
      for (KeyValue kv : event.getAttributesList()) {
        if (!isEventContent(event.getName(), kv.getKey())) {
          kept.add(kv);
        }
      }
      builder.addEvents(event.toBuilder().clearAttributes().addAllAttributes(kept));
    }
    return builder.build();
  }

  private static boolean hasContent(ExportTraceServiceRequest request) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          if (hasContent(span)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean hasContent(Span span) {
    for (KeyValue kv : span.getAttributesList()) {
      if (isContent(kv.getKey())) {
        return true;
      }
    }
    for (Span.Event event : span.getEventsList()) {
      if (hasContent(event)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasContent(Span.Event event) {
    for (KeyValue kv : event.getAttributesList()) {
      if (isEventContent(event.getName(), kv.getKey())) {
        return true;
      }
    }
    return false;
  }
}
