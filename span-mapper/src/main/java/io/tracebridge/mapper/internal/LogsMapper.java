package io.tracebridge.mapper.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.internal.ResourceMapper.ResourceFacts;
import io.tracebridge.mapper.RecordType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.annotation.Nullable;
import javax.annotation.concurrent.ThreadSafe;

/**
 * Maps OTLP log records that carry agent steps. Internal: use {@code SpanMapper.mapLogs}.
 *
 * <ul>
 *   <li><b>Hook-event log records</b> (the runtime's live path): {@code event.name} is a hook
 *       event name, {@code tracebridge.event.ordinal} its index within the span, the attributes
 *       those of the span event (with the {@code span.} copies). Each is mapped exactly as the span
 *       event will be ({@link HookEventMapper#mapEvent}, same step key), over a stand-in span
 *       whose attributes are the {@code span.} copies, so it has the span event's record id.
 *   <li><b>GenAI semconv event log records</b> (pre-1.37 {@code gen_ai.*.message} / {@code
 *       gen_ai.choice}, as OpenTelemetry JS instrumentations emit them): grouped per span and read
 *       like the span's own events, as a model call ({@link Dialect#GENAI_SEMCONV}).
 *   <li><b>ADOT content logs</b>: a body {@code {input:{messages}, output:{messages}}} for a span
 *       (AWS Distro for OpenTelemetry's LLO handler). {@link Dialect#ADOT_LOGS}.
 * </ul>
 *
 * Records read from logs use the step keys the span would give, so a log record and its span
 * give one record id; {@link FunctionalRecord#filledFrom} joins what each knows. A log record
 * that claims a convention but has an unreadable trace or span id, or a token count out of range
 * ({@link TokenCountCheck}), is rejected and counted.
 */
@ThreadSafe
public final class LogsMapper {
  /** The instrumentation scope of the runtime's hook log records. */
  public static final String HOOK_SCOPE = "io.tracebridge.runtime.hooks";

  private static final String ADOT_INPUT = "input";
  private static final String ADOT_OUTPUT = "output";

  public MappingResult map(String tenant, List<ResourceLogs> resourceLogs) {
    IssueLog issues = new IssueLog();
    Map<String, FunctionalRecord> byId = new LinkedHashMap<>();
    Map<String, List<Span.Event>> semconvEventsBySpan = new LinkedHashMap<>();
    Map<String, SpanView> semconvSpans = new LinkedHashMap<>();
    Map<String, Set<RecordType>> hookTypesBySpan = new HashMap<>();
    // As for spans: a session id one log record of a trace carries is shared by the others.
    Map<String, String> sessionByTrace = new HashMap<>();
    for (ResourceLogs rl : resourceLogs) {
      for (ScopeLogs scope : rl.getScopeLogsList()) {
        for (LogRecord log : scope.getLogRecordsList()) {
          Attributes a = Attributes.of(log.getAttributesList(), ignored -> { });
          String session = a.first(GenAiAttributes.SESSION_ID, GenAiAttributes.CONVERSATION_ID);
          if (session == null) {
            session = a.spanCopies().first(GenAiAttributes.SESSION_ID,
                GenAiAttributes.CONVERSATION_ID);
          }
          if (session != null && !log.getTraceId().isEmpty()) {
            sessionByTrace.putIfAbsent(
                SpanIdentity.hexOrNull(log.getTraceId()), session);
          }
        }
      }
    }
    for (ResourceLogs rl : resourceLogs) {
      ResourceFacts resource = ResourceMapper.map(rl.getResource(), issues.forSpan(null, null));
      for (ScopeLogs scope : rl.getScopeLogsList()) {
        for (LogRecord log : scope.getLogRecordsList()) {
          String eventName = eventName(log);
          Optional<HookEvent> hook = HookEvent.fromEventName(eventName == null ? "" : eventName);
          boolean semconvEvent = eventName != null && MessageParser.roleOfEvent(eventName) != null;
          boolean adot = !hook.isPresent() && !semconvEvent && isAdotBody(log.getBody());
          if (hook.isEmpty() && !semconvEvent && !adot) {
            continue;
          }
          Span stand = standInSpan(log, hook.isPresent());
          String reason = SpanIdentity.rejectionReason(stand);
          if (reason != null) {
            issues.reject(SpanIdentity.hexOrNull(stand.getTraceId()),
                SpanIdentity.hexOrNull(stand.getSpanId()), "log record rejected: " + reason);
            continue;
          }
          SpanIdentity ids = SpanIdentity.of(stand);
          Consumer<String> onOdd = issues.forSpan(ids.traceId(), ids.spanId());
          Attributes attributes = Attributes.of(stand.getAttributesList(), onOdd);
          SpanView view = new SpanView(tenant, ids, stand, attributes, resource,
              sessionByTrace.get(ids.traceId()), onOdd, scope.getScope().getName());
          String countReason = TokenCountCheck.rejectionReason(view);
          if (countReason != null) {
            issues.reject(ids.traceId(), ids.spanId(), "log record rejected: " + countReason);
            continue;
          }
          if (hook.isPresent()) {
            Attributes logAttributes = Attributes.of(log.getAttributesList(), onOdd);
            Long ordinal = logAttributes.get(GenAiAttributes.HOOK_EVENT_ORDINAL);
            List<FunctionalRecord> records = new ArrayList<>();
            HookEventMapper.mapEvent(view, stand.getEvents(0), hook.get(),
                ordinal == null ? 0 : ordinal.intValue(), records);
            records.forEach(r -> hookTypesBySpan
                .computeIfAbsent(ids.traceId() + "/" + ids.spanId(),
                    k -> EnumSet.noneOf(RecordType.class))
                .add(r.type()));
            RequestMapper.collect(records, byId);
          } else if (semconvEvent) {
            String key = ids.traceId() + "/" + ids.spanId();
            semconvSpans.putIfAbsent(key, view);
            semconvEventsBySpan.computeIfAbsent(key, k -> new ArrayList<>())
                .add(Span.Event.newBuilder().setName(eventName)
                    .setTimeUnixNano(stand.getStartTimeUnixNano())
                    .addAllAttributes(log.getBody().getKvlistValue().getValuesList()).build());
          } else {
            RequestMapper.collect(adotRecords(view, log.getBody()), byId);
          }
        }
      }
    }
    for (Map.Entry<String, List<Span.Event>> entry : semconvEventsBySpan.entrySet()) {
      SpanView view = semconvSpans.get(entry.getKey());
      ChatContent content = GenAiContentReader.fromMessageEvents(entry.getValue(), view);
      List<Span.Event> events = entry.getValue();
      Span span = view.span().toBuilder()
          .setStartTimeUnixNano(events.get(0).getTimeUnixNano())
          .setEndTimeUnixNano(events.get(events.size() - 1).getTimeUnixNano())
          .build();
      SpanView timed = new SpanView(view.tenant(), view.ids(), span, view.attributes(),
          view.resource(), view.traceSessionId(), view.onOddValue(), view.scopeName());
      // Precedence as on spans (RequestMapper#byPrecedence): a step a hook log record of the
      // same span already gave is not read again from the semconv events.
      Set<RecordType> claimed = hookTypesBySpan.getOrDefault(entry.getKey(), Set.of());
      RequestMapper.collect(GenAiSpanMapper.records(timed, content, GenAiSpanMapper.Kind.MODEL,
          Dialect.GENAI_SEMCONV, false).stream()
          .filter(r -> !claimed.contains(r.type()))
          .map(r -> r.toBuilder().durationMs(null).build()).toList(), byId);
    }
    return new MappingResult(new ArrayList<>(byId.values()), issues.rejectedSpans(),
        issues.issues());
  }

  @Nullable
  private static String eventName(LogRecord log) {
    if (!log.getEventName().isEmpty()) {
      return log.getEventName();
    }
    for (KeyValue kv : log.getAttributesList()) {
      if (kv.getKey().equals(GenAiAttributes.EVENT_NAME.name())) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  private static boolean isAdotBody(AnyValue body) {
    if (!body.hasKvlistValue()) {
      return false;
    }
    return body.getKvlistValue().getValuesList().stream()
        .anyMatch(kv -> kv.getKey().equals(ADOT_INPUT) || kv.getKey().equals(ADOT_OUTPUT));
  }

  /**
   * A span standing in for the one a log record belongs to: its ids, the log's time as start and
   * end, and, for a hook log, the log's {@code span.} copies as the span's own attributes and one
   * event carrying the log's attributes. For other logs the attributes are the log's own
   * ({@code session.id}, say).
   */
  private static Span standInSpan(LogRecord log, boolean hook) {
    long time = log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
    Span.Builder span = Span.newBuilder()
        .setTraceId(log.getTraceId())
        .setSpanId(log.getSpanId())
        .setStartTimeUnixNano(time)
        .setEndTimeUnixNano(time);
    if (hook) {
      span.setEndTimeUnixNano(0); // the span has not ended: its duration is not known yet
      for (KeyValue kv : log.getAttributesList()) {
        if (kv.getKey().startsWith(io.tracebridge.genai.HookEvents.SPAN_COPY_PREFIX)) {
          span.addAttributes(kv.toBuilder().setKey(kv.getKey().substring(io.tracebridge.genai.HookEvents.SPAN_COPY_PREFIX.length())));
        }
      }
      span.addEvents(Span.Event.newBuilder()
          .setName(eventName(log))
          .setTimeUnixNano(time)
          .addAllAttributes(log.getAttributesList()));
    } else {
      span.addAllAttributes(log.getAttributesList());
    }
    return span.build();
  }

  /** The records an ADOT content log gives, by what its content shows the span was. */
  private static List<FunctionalRecord> adotRecords(SpanView view, AnyValue body) {
    JsonNode tree = MessageParser.toJson(body);
    List<ChatMessage> input = new ArrayList<>();
    for (JsonNode m : tree.path(ADOT_INPUT).path("messages")) {
      input.addAll(adotMessage(m));
    }
    // The LLO handler groups messages by role, so the assistant turns of a call's history land in
    // "output" beside the answer. The answer is the message with a finish reason (gen_ai.choice;
    // in latest mode inside the message's JSON); when one has it, the other "output" messages are
    // history and go back to the input.
    List<ChatMessage> output = new ArrayList<>();
    List<ChatMessage> answered = new ArrayList<>();
    for (JsonNode m : tree.path(ADOT_OUTPUT).path("messages")) {
      boolean rawFinish = m.has("finish_reason") || m.path("content").has("finish_reason");
      for (ChatMessage parsed : adotMessage(m)) {
        (rawFinish || parsed.finishReason() != null ? answered : output).add(parsed);
      }
    }
    if (!answered.isEmpty()) {
      input.addAll(output);
      output = answered;
    }
    GenAiSpanMapper.Kind kind = adotKind(tree, input, output);
    if (kind == GenAiSpanMapper.Kind.OTHER) {
      return List.of();
    }
    List<FunctionalRecord> records = GenAiSpanMapper.records(view, new ChatContent(input, output),
        kind, Dialect.ADOT_LOGS, false);
    // A content log knows no duration or usage; the span's records bring those.
    return records.stream()
        .map(r -> r.toBuilder().durationMs(null).usage(null).totalUsage(null).build())
        .toList();
  }

  /**
   * What span an ADOT content log was cut from. The log does not say, so its content does.
   *
   * <p>Default mode (message contents are objects, the pre-1.37 event bodies): a tool message
   * with an {@code id} is a tool span (Strands' {@code gen_ai.tool.message}); an output with a
   * finish reason is a model call when the output is content blocks or parts, and the agent when
   * it is plain text (Strands' {@code invoke_agent} answer); an output without one is an
   * event-loop cycle, which gives nothing.
   *
   * <p>Latest mode (a content is the JSON string of semconv messages, see {@link #adotMessage}):
   * a {@code tool} message with a {@code tool_call} part in the input is a tool span (Strands'
   * {@code execute_tool} details event); an output message with a finish reason is the agent
   * when it is one message of exactly one text part ending in a newline (Strands writes {@code
   * str(AgentResult)}, each text block followed by {@code "\n"}) and the input has no assistant
   * turn, else a model call; no finish reason, again a cycle.
   *
   * <p>Plain text: an output whose assistant content is a plain string (not JSON) and that has no
   * finish reason (the LLO handler's {@code gen_ai.completion.N.content}, {@code
   * llm.output_messages.N.message.content}, {@code gen_ai.completion}) is a model call.
   */
  static GenAiSpanMapper.Kind adotKind(
      JsonNode body, List<ChatMessage> input, List<ChatMessage> output) {
    for (JsonNode m : body.path(ADOT_INPUT).path("messages")) {
      if ("tool".equals(MessageParser.textOf(m.get("role"))) && m.path("content").has("id")) {
        return GenAiSpanMapper.Kind.TOOL;
      }
    }
    boolean plainOutput = false;
    for (JsonNode m : body.path(ADOT_OUTPUT).path("messages")) {
      JsonNode content = m.path("content");
      if (m.has("finish_reason") || content.has("finish_reason")) {
        JsonNode message = content.has("message") ? content.get("message") : content.get("content");
        boolean plainText = message != null && message.isTextual()
            && MessageParser.parse(message.asText()) == null;
        return plainText ? GenAiSpanMapper.Kind.AGENT : GenAiSpanMapper.Kind.MODEL;
      }
      plainOutput |= content.isTextual() && !content.asText().isBlank()
          && MessageParser.parse(content.asText()) == null
          && !"tool".equals(MessageParser.textOf(m.get("role")));
    }
    for (ChatMessage m : input) {
      if (m.hasRole("tool") && !m.parts(ChatMessage.Kind.TOOL_CALL).isEmpty()) {
        return GenAiSpanMapper.Kind.TOOL;
      }
    }
    List<ChatMessage> finished = output.stream().filter(m -> m.finishReason() != null).toList();
    if (!finished.isEmpty()) {
      boolean agentAnswer = output.size() == 1 && output.get(0).parts().size() == 1
          && output.get(0).parts().get(0).kind() == ChatMessage.Kind.TEXT
          && output.get(0).parts().get(0).text().endsWith("\n")
          && input.stream().noneMatch(m -> m.hasRole("assistant"));
      return agentAnswer ? GenAiSpanMapper.Kind.AGENT : GenAiSpanMapper.Kind.MODEL;
    }
    return plainOutput ? GenAiSpanMapper.Kind.MODEL : GenAiSpanMapper.Kind.OTHER;
  }

  /**
   * One message of an ADOT content log as chat messages. Its {@code content} is an object (a
   * pre-1.37 event body: Strands' default mode), a string, or anything else. A string that is a
   * JSON array (or object) of messages in the semconv shape, each an object with a {@code role}
   * and {@code parts} or {@code content} (Strands' latest mode: the handler copies {@code
   * gen_ai.input.messages} / {@code gen_ai.output.messages} as they are, under the role of the
   * attribute), gives those messages with their own roles and finish reasons; any other string
   * (plain text, Strands content blocks, a semconv parts array) is read as the content of one
   * message with the handler's role.
   */
  private static List<ChatMessage> adotMessage(JsonNode m) {
    String role = MessageParser.textOf(m.get("role"));
    role = role == null ? "user" : role;
    JsonNode content = m.get("content");
    if (content == null || content.isNull()) {
      return List.of();
    }
    if (content.isObject()) {
      return List.of(MessageParser.legacyBody(role, content));
    }
    if (content.isTextual()) {
      JsonNode parsed = MessageParser.parse(content.asText());
      JsonNode messages = parsed != null && parsed.isObject()
          ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(parsed)
          : parsed;
      if (isSemconvMessages(messages)) {
        return MessageParser.semconvMessages(messages);
      }
    }
    ChatMessage message = MessageParser.legacyBody(role,
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
            .set("content", content));
    String text = MessageParser.textOf(content);
    if (message.parts().isEmpty() && content.isTextual() && text != null) {
      // JSON that is no shape of messages, blocks or parts ("[1, 2, 3]"): the text as it is.
      message = new ChatMessage(role, List.of("tool".equals(role)
          ? ChatMessage.Part.toolResult(null, text, null) : ChatMessage.Part.text(text)), null);
    }
    return List.of(message);
  }

  /** A non-empty JSON array of objects each with a text {@code role} and parts or content. */
  private static boolean isSemconvMessages(@Nullable JsonNode tree) {
    if (tree == null || !tree.isArray() || tree.isEmpty()) {
      return false;
    }
    for (JsonNode m : tree) {
      if (!m.isObject() || !m.path("role").isTextual()
          || !(m.path("parts").isArray() || m.has("content"))) {
        return false;
      }
    }
    return true;
  }
}
