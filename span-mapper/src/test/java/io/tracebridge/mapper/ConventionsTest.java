package io.tracebridge.mapper;

import static io.tracebridge.mapper.OtlpFixtures.T0;
import static io.tracebridge.mapper.OtlpFixtures.TRACE_ID;
import static io.tracebridge.mapper.OtlpFixtures.event;
import static io.tracebridge.mapper.OtlpFixtures.id;
import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.OtlpFixtures.resourceSpans;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Precedence of mixed conventions, tokens counted once, truncation, log records. */
class ConventionsTest {
  private static final Path TESTDATA = Path.of("src", "test", "resources", "testdata");
  private static final java.util.Set<String> HOOK_EVENT_NAMES = java.util.Set.of("agent_prompt",
      "model_request", "model_response", "tool_request", "tool_response", "agent_response");
  private final SpanMapper mapper = new SpanMapper();

  private static Map<RecordType, List<FunctionalRecord>> byType(MappingResult result) {
    return result.records().stream().collect(Collectors.groupingBy(FunctionalRecord::type));
  }

  // --- precedence ---------------------------------------------------------------------------

  /** A chat span carrying hook events, Strands' per-message events and OpenInference keys. */
  private static Span mixedChatSpan() {
    return span("chat")
        .setParentSpanId(id("a1b2c3d4e5f60000"))
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.system", "strands-agents"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 100))
        .addAttributes(kv("gen_ai.usage.output_tokens", 10))
        .addAttributes(kv("openinference.span.kind", "LLM"))
        .addAttributes(kv("llm.output_messages.0.message.role", "assistant"))
        .addAttributes(kv("llm.output_messages.0.message.content", "from openinference"))
        .addAttributes(kv("llm.token_count.prompt", 999))
        .addEvents(event("gen_ai.user.message", 1, kv("content", "[{\"text\": \"hi\"}]")))
        .addEvents(event("gen_ai.choice", 2,
            kv("message", "[{\"reasoningContent\": {\"reasoningText\": {\"text\": \"think\"}}},"
                + " {\"text\": \"from strands\"}]"), kv("finish_reason", "end_turn")))
        .addEvents(event("model_response", 3, kv("model.response", "from hook")))
        .build();
  }

  @Test
  void hookEventsWinEachStepTheyGiveAndLowerConventionsFillOnlyTheOthers() {
    MappingResult result = mapper.map("t", List.of(resourceSpans(mixedChatSpan())));
    Map<RecordType, List<FunctionalRecord>> byType = byType(result);

    assertThat(byType.get(RecordType.MODEL_RESPONSE)).singleElement().satisfies(r -> {
      assertThat(r.text()).isEqualTo("from hook");
      assertThat(r.dialect()).isEqualTo(Dialect.HOOK_EVENTS);
      assertThat(r.usage()).isEqualTo(Usage.of(100, 10)); // the span's own gen_ai.usage, once
    });
    // The hook gave no reasoning and no model_request: Strands' events give them, once each.
    assertThat(byType.get(RecordType.REASONING)).singleElement()
        .satisfies(r -> assertThat(r.dialect()).isEqualTo(Dialect.STRANDS));
    assertThat(byType.get(RecordType.MODEL_REQUEST)).singleElement()
        .satisfies(r -> assertThat(r.text()).isEqualTo("hi"));
    assertThat(result.records()).noneMatch(r -> r.dialect() == Dialect.OPENINFERENCE);
    assertThat(TraceUsage.total(result.records())).isEqualTo(Usage.of(100, 10));
  }

  @Test
  void semconvWinsOverOpenInferenceOnTheSameSpan() {
    Span span = span("chat m")
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .setParentSpanId(id("a1b2c3d4e5f60000"))
        .addAttributes(kv("gen_ai.output.messages",
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"semconv\"}]}]"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 5))
        .addAttributes(kv("openinference.span.kind", "LLM"))
        .addAttributes(kv("llm.output_messages.0.message.content", "openinference"))
        .addAttributes(kv("llm.token_count.prompt", 5))
        .build();
    MappingResult result = mapper.map("t", List.of(resourceSpans(span)));
    assertThat(byType(result).get(RecordType.MODEL_RESPONSE)).singleElement().satisfies(r -> {
      assertThat(r.text()).isEqualTo("semconv");
      assertThat(r.dialect()).isEqualTo(Dialect.GENAI_SEMCONV);
    });
    assertThat(TraceUsage.total(result.records()).inputTokens()).isEqualTo(5);
  }

  /** An OpenLLMetry model span that also says gen_ai.operation.name but has no semconv messages. */
  @Test
  void openLlmetryWinsTheStepsOfAFlattenedSpanThatAlsoNamesItsOperation() {
    Span span = span("anthropic.chat")
        .setParentSpanId(id("a1b2c3d4e5f60000"))
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("llm.request.type", "chat"))
        .addAttributes(kv("gen_ai.prompt.0.role", "user"))
        .addAttributes(kv("gen_ai.prompt.0.content", "hi"))
        .addAttributes(kv("gen_ai.completion.0.role", "assistant"))
        .addAttributes(kv("gen_ai.completion.0.content", "hello"))
        .addAttributes(kv("gen_ai.completion.0.finish_reason", "stop"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 7))
        .addAttributes(kv("gen_ai.usage.output_tokens", 2))
        .build();
    MappingResult result = mapper.map("t", List.of(resourceSpans(span)));

    assertThat(result.records()).allSatisfy(r -> assertThat(r.dialect()).isEqualTo(Dialect.OPENLLMETRY));
    assertThat(byType(result).get(RecordType.MODEL_REQUEST)).singleElement()
        .satisfies(r -> assertThat(r.text()).isEqualTo("hi"));
    assertThat(byType(result).get(RecordType.MODEL_RESPONSE)).singleElement().satisfies(r -> {
      assertThat(r.text()).isEqualTo("hello");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage()).isEqualTo(Usage.of(7, 2));
    });
  }

  @Test
  void openLlmetryWithContentTracingOffStillCountsTheCall() {
    // TRACELOOP_TRACE_CONTENT=false: no gen_ai.prompt/completion keys, the usage is still there.
    Span span = span("openai.chat")
        .addAttributes(kv("llm.request.type", "chat"))
        .addAttributes(kv("gen_ai.system", "openai"))
        .addAttributes(kv("gen_ai.usage.prompt_tokens", 10))
        .addAttributes(kv("gen_ai.usage.completion_tokens", 5))
        .addAttributes(kv("llm.usage.total_tokens", 15))
        .build();
    MappingResult result = mapper.map("t", List.of(resourceSpans(span)));

    assertThat(byType(result).get(RecordType.MODEL_RESPONSE)).singleElement().satisfies(r -> {
      assertThat(r.dialect()).isEqualTo(Dialect.OPENLLMETRY);
      assertThat(r.text()).isNull();
      assertThat(r.usage()).isEqualTo(Usage.of(10, 5));
    });
    assertThat(result.records()).noneMatch(r -> r.type() == RecordType.PROMPT);
  }

  @Test
  void traceloopWorkflowRunCountsEachModelCallOnceAndItsToolOnce() {
    MappingResult result = mapper.map("t", OtlpJson.read(TESTDATA.resolve(
        "openllmetry/traceloop_workflow_tool_call_cached_tokens/input.otlp.json")));
    Map<RecordType, List<FunctionalRecord>> byType = byType(result);

    // Two OpenAI calls: 1200 and 1300 input (cached 1000 and 1150 included), 45 and 12 output.
    assertThat(TraceUsage.total(result.records())).isEqualTo(new Usage(2500, 57, 2150, 0, 20));
    assertThat(byType.get(RecordType.RESPONSE)).singleElement()
        .satisfies(r -> assertThat(r.usage()).isNull()); // workflows carry no totals
    // The @tool span (no call id) gives nothing: the call is the model spans' tool steps.
    assertThat(byType.get(RecordType.TOOL_REQUEST)).singleElement()
        .satisfies(r -> assertThat(r.tool().callId()).isEqualTo("call_calc_1"));
    assertThat(byType.get(RecordType.TOOL_RESPONSE)).singleElement()
        .satisfies(r -> assertThat(r.tool().output()).isEqualTo("391"));
    assertThat(result.records()).allSatisfy(r -> {
      assertThat(r.dialect()).isEqualTo(Dialect.OPENLLMETRY);
      assertThat(r.sessionId()).isEqualTo("session-fixture-traceloop");
      assertThat(r.agentName()).isEqualTo("calculator");
    });
  }

  @Test
  void semconvShapedOpenLlmetryChatSpansAreGenAiTheirWorkflowOpenLlmetry() {
    MappingResult result = mapper.map("t", OtlpJson.read(TESTDATA.resolve(
        "openllmetry/traceloop_latest_workflow_over_semconv_chat_spans/input.otlp.json")));

    assertThat(result.records()).allSatisfy(r -> assertThat(r.dialect()).isEqualTo(
        r.type() == RecordType.PROMPT || r.type() == RecordType.RESPONSE
            ? Dialect.OPENLLMETRY : Dialect.GENAI_SEMCONV));
    assertThat(TraceUsage.total(result.records())).isEqualTo(new Usage(2500, 57, 2150, 0, 20));
  }

  @Test
  void openLlmetryOddValuesAreSoftIssuesAndHugeContentIsTruncated() {
    String huge = "x".repeat(ContentLimits.MAX_CONTENT_BYTES + 10);
    Span span = span("openai.chat")
        .addAttributes(kv("llm.request.type", "chat"))
        .addAttributes(kv("gen_ai.prompt.0.role", "user"))
        .addAttributes(kv("gen_ai.prompt.0.content", "[{\"type\": \"text\""))
        .addAttributes(kv("gen_ai.prompt.99999999999.content", "overflowing index"))
        .addAttributes(kv("gen_ai.prompt.-1.content", "negative index"))
        .addAttributes(kv("gen_ai.completion.0.content", huge))
        .addAttributes(kv("gen_ai.completion.0.tool_calls.zero.name", "not indexed"))
        .addAttributes(kv("gen_ai.usage.input_tokens", "lots"))
        .addAttributes(kv("gen_ai.usage.output_tokens", 2.5))
        .build();
    MappingResult result = mapper.map("t", List.of(resourceSpans(span)));

    assertThat(byType(result).get(RecordType.MODEL_REQUEST)).singleElement()
        .satisfies(r -> assertThat(r.text()).isEqualTo("[{\"type\": \"text\""));
    assertThat(byType(result).get(RecordType.MODEL_RESPONSE)).singleElement().satisfies(r -> {
      assertThat(r.truncated()).isTrue();
      assertThat(r.originalSize()).isEqualTo((long) huge.length());
      assertThat(r.usage()).isNull();
    });
    assertThat(result.records()).noneMatch(r -> r.type() == RecordType.TOOL_REQUEST);
    assertThat(result.issues()).hasSize(2)
        .allSatisfy(i -> assertThat(i.toString()).doesNotContain("lots"));
  }

  // --- tokens exactly once -------------------------------------------------------------------

  @Test
  void strandsAgentTotalsNeverAddToPerCallUsage() {
    MappingResult result = mapper.map("t",
        OtlpJson.read(TESTDATA.resolve("strands/default_mode_reasoning_tool_call_answer/input.otlp.json")));
    // Two chat calls: 200+1000+150 and 150+1150 input (cache included), 45 and 12 output.
    assertThat(TraceUsage.total(result.records())).isEqualTo(new Usage(2650, 57, 2150, 150, 0));
    FunctionalRecord response = byType(result).get(RecordType.RESPONSE).get(0);
    assertThat(response.usage()).isNull();
    assertThat(response.totalUsage()).isEqualTo(new Usage(2650, 57, 2150, 150, 0));
    assertThat(result.records()).filteredOn(r -> r.usage() != null)
        .allSatisfy(r -> assertThat(r.type()).isEqualTo(RecordType.MODEL_RESPONSE));
  }

  @Test
  void traceWithOnlyAgentTotalsUsesThem() {
    Span agent = span("invoke_agent a")
        .addAttributes(kv("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 70))
        .addAttributes(kv("gen_ai.usage.output_tokens", 7))
        .build();
    MappingResult result = mapper.map("t", List.of(resourceSpans(agent)));
    assertThat(TraceUsage.total(result.records())).isEqualTo(Usage.of(70, 7));
  }

  @Test
  void sameSpansExportedTwiceInShuffledOrderCountOnce() {
    ExportTraceServiceRequest once = OtlpJson.read(
        TESTDATA.resolve("strands/latest_mode_reasoning_tool_call_answer/input.otlp.json"));
    List<Span> spans = new ArrayList<>(once.getResourceSpans(0).getScopeSpans(0).getSpansList());
    spans.addAll(spans);
    Collections.shuffle(spans, new java.util.Random(7));
    MappingResult twice = mapper.map("t", List.of(resourceSpans(spans.toArray(Span[]::new))));
    MappingResult clean = mapper.map("t", once);

    assertThat(twice.records()).hasSameSizeAs(clean.records());
    assertThat(TraceUsage.total(twice.records())).isEqualTo(TraceUsage.total(clean.records()));
    Map<String, FunctionalRecord> cleanById = clean.records().stream()
        .collect(Collectors.toMap(FunctionalRecord::recordId, Function.identity()));
    assertThat(twice.records()).allSatisfy(r -> assertThat(r).isEqualTo(cleanById.get(r.recordId())));
  }

  @Test
  void bedrockStyleInputWithoutCacheIsNormalisedToIncludeIt() {
    Span chat = span("chat")
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 200))
        .addAttributes(kv("gen_ai.usage.output_tokens", 45))
        .addAttributes(kv("gen_ai.usage.cache_read_input_tokens", 1000))
        .addAttributes(kv("gen_ai.usage.cache_write_input_tokens", 150))
        .addAttributes(kv("gen_ai.usage.total_tokens", 1395))
        .build();
    Span openAiStyle = chat.toBuilder().setSpanId(id("a1b2c3d4e5f60009"))
        .clearAttributes()
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 1200))
        .addAttributes(kv("gen_ai.usage.output_tokens", 45))
        .addAttributes(kv("gen_ai.usage.cache_read.input_tokens", 1000))
        .addAttributes(kv("gen_ai.usage.total_tokens", 1245))
        .build();
    assertThat(TraceUsage.total(mapper.map("t", List.of(resourceSpans(chat))).records()))
        .isEqualTo(new Usage(1350, 45, 1000, 150, 0));
    assertThat(TraceUsage.total(mapper.map("t", List.of(resourceSpans(openAiStyle))).records()))
        .isEqualTo(new Usage(1200, 45, 1000, 0, 0));
  }

  // --- truncation ----------------------------------------------------------------------------

  @Test
  void oneMegabytePromptIsTruncatedWithItsOriginalSizeAndKept() {
    String prompt = "é".repeat(512 * 1024); // 1 MiB of UTF-8
    Span agent = span("invoke_agent a")
        .addEvents(event("agent_prompt", 1, kv("agent.prompt", prompt)))
        .build();
    FunctionalRecord record = mapper.map("t", List.of(resourceSpans(agent))).records().get(0);

    assertThat(record.truncated()).isTrue();
    assertThat(record.originalSize()).isEqualTo(1024L * 1024);
    assertThat(record.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(ContentLimits.MAX_CONTENT_BYTES)
        .isGreaterThan(ContentLimits.MAX_CONTENT_BYTES - 2);
    assertThat(prompt).startsWith(record.text());
  }

  @Test
  void toolInputAndOutputShareTheBudget() {
    FunctionalRecord big = FunctionalRecord.builder().tenant("t").traceId(TRACE_ID)
        .spanId("a1b2c3d4e5f60001").recordId("r").type(RecordType.TOOL_RESPONSE)
        .timestamp(java.time.Instant.EPOCH).dialect(Dialect.GENAI_SEMCONV)
        .tool(ToolCall.named("t", null, "i".repeat(300), "o".repeat(100), null)).build();
    FunctionalRecord cut = ContentLimits.limit(big, 200);
    assertThat(cut.tool().input()).hasSize(150);
    assertThat(cut.tool().output()).hasSize(50);
    assertThat(cut.originalSize()).isEqualTo(400L);
    assertThat(ContentLimits.limit(cut.toBuilder().truncated(false).originalSize(null).build(), 200))
        .isEqualTo(cut.toBuilder().truncated(false).originalSize(null).build());
  }

  @Test
  void aModelRequestsSystemPromptAndMessagesShareTheBudget() {
    FunctionalRecord big = FunctionalRecord.builder().tenant("t").traceId(TRACE_ID)
        .spanId("a1b2c3d4e5f60001").recordId("r").type(RecordType.MODEL_REQUEST)
        .timestamp(java.time.Instant.EPOCH).dialect(Dialect.GENAI_SEMCONV)
        .text("t".repeat(100)).systemPrompt("s".repeat(100))
        .messages(List.of(new InputMessage("tool", List.of(
            new MessagePart(MessagePart.TOOL_CALL_RESPONSE, "r".repeat(200), null, "c1")))))
        .build();

    FunctionalRecord cut = ContentLimits.limit(big, 200);

    assertThat(cut.truncated()).isTrue();
    assertThat(cut.originalSize()).isEqualTo(400L);
    assertThat(cut.text()).hasSize(50);
    assertThat(cut.systemPrompt()).hasSize(50);
    assertThat(cut.messages().get(0).parts().get(0).content()).hasSize(100);
    assertThat(cut.messages().get(0).parts().get(0).callId()).isEqualTo("c1");
  }

  // --- errors --------------------------------------------------------------------------------

  @Test
  void failedStrandsToolGivesErrorRecordAndToolStatusError() {
    MappingResult result = mapper.map("t", OtlpJson.read(TESTDATA.resolve(
        "strands/failing_tool_gives_error_record_and_tool_status_error/input.otlp.json")));
    assertThat(byType(result).get(RecordType.ERROR)).singleElement()
        .satisfies(r -> assertThat(r.error())
            .isEqualTo(new RecordError("ValueError", "calculator backend unavailable")));
    assertThat(byType(result).get(RecordType.TOOL_RESPONSE)).singleElement()
        .satisfies(r -> assertThat(r.tool().status()).isEqualTo("error"));
  }

  @Test
  void spanStatusErrorWithoutExceptionEventGivesOneErrorRecord() {
    Span chat = span("chat")
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("error.type", "ThrottlingException"))
        .setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder()
            .setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR)
            .setMessage("slow down"))
        .build();
    assertThat(byType(mapper.map("t", List.of(resourceSpans(chat)))).get(RecordType.ERROR))
        .singleElement()
        .satisfies(r -> assertThat(r.error())
            .isEqualTo(new RecordError("ThrottlingException", "slow down")));
  }

  // --- log records ---------------------------------------------------------------------------

  /** The hook log record the runtime emits for a span event, per the contract in README.md. */
  private static LogRecord hookLog(Span span, Span.Event event, int ordinal) {
    LogRecord.Builder log = LogRecord.newBuilder()
        .setTraceId(span.getTraceId())
        .setSpanId(span.getSpanId())
        .setTimeUnixNano(event.getTimeUnixNano())
        .addAttributes(kv("event.name", event.getName()))
        .addAllAttributes(event.getAttributesList())
        .addAttributes(kv("tracebridge.event.ordinal", ordinal));
    return log.build();
  }

  private static ExportLogsServiceRequest logs(String scope, LogRecord... records) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName(scope))
            .addAllLogRecords(List.of(records))))
        .build();
  }

  @Test
  void hookLogRecordIsTheRecordItsSpanEventLaterGives() {
    ExportTraceServiceRequest run = OtlpJson.read(
        TESTDATA.resolve("hook_events/full_strands_agent_run/input.otlp.json"));
    List<LogRecord> logs = new ArrayList<>();
    for (Span span : run.getResourceSpans(0).getScopeSpans(0).getSpansList()) {
      Map<String, Integer> seen = new java.util.HashMap<>();
      for (Span.Event event : span.getEventsList()) {
        if (!HOOK_EVENT_NAMES.contains(event.getName())) {
          continue; // the runtime emits log records for its hook events only
        }
        logs.add(hookLog(span, event, seen.merge(event.getName(), 1, Integer::sum) - 1));
      }
    }
    MappingResult fromLogs = mapper.mapLogs("t", logs("io.tracebridge.runtime.hooks",
        logs.toArray(LogRecord[]::new)));
    MappingResult spans = mapper.map("t", run);
    Map<String, FunctionalRecord> fromSpans = spans.records().stream()
        .filter(r -> r.dialect() == Dialect.HOOK_EVENTS)
        .collect(Collectors.toMap(FunctionalRecord::recordId, Function.identity()));
    // A log record knows no topology: its agent comes from the agent span once that is known.
    List<FunctionalRecord> liveRecords =
        TraceAssembly.assemble(fromLogs.records(), spans.spans()).records();

    assertThat(liveRecords).isNotEmpty().hasSize(fromSpans.size());
    for (FunctionalRecord live : liveRecords) {
      FunctionalRecord later = fromSpans.get(live.recordId());
      assertThat(later).as("span record for %s %s", live.type(), live.recordId()).isNotNull();
      // The same step, as far as the log's attributes allow: all a log lacks is what only the
      // finished span knows (its parent and name, its duration, usage, the agent's totals and
      // finish reason and the tool status set at span end), and what the span's own content
      // events add (the model's input messages and system prompt).
      ToolCall t = live.tool();
      ToolCall tool = t == null ? null : new ToolCall(t.name(), t.callId(), t.actionGroup(),
          t.action(), t.input(), t.output(), t.status() != null ? t.status() : later.tool().status());
      assertThat(live.toBuilder().parentSpanId(later.parentSpanId()).spanName(later.spanName())
              .durationMs(later.durationMs()).usage(later.usage()).tool(tool)
              .totalUsage(later.totalUsage())
              .systemPrompt(later.systemPrompt()).messages(later.messages())
              .finishReason(live.finishReason() != null ? live.finishReason() : later.finishReason())
              .build())
          .isEqualTo(later);
      assertThat(later.filledFrom(live)).isEqualTo(later);
      assertThat(live.durationMs()).isNull();
    }
  }

  @Test
  void adotContentLogsFillTheTextTheirFilteredSpansLack() {
    Path dir = TESTDATA.resolve("adot_logs/strands_content_moved_to_logs_by_llo_handler");
    MappingResult spans = mapper.map("t", OtlpJson.read(dir.resolve("input.otlp.json")));
    MappingResult logs = mapper.mapLogs("t", OtlpJson.readLogs(dir.resolve("input.logs.otlp.json")));

    assertThat(spans.records()).filteredOn(r -> r.type() == RecordType.RESPONSE)
        .singleElement().satisfies(r -> assertThat(r.text()).isNull()); // content moved out
    assertThat(logs.records()).allSatisfy(r -> {
      assertThat(r.dialect()).isEqualTo(Dialect.ADOT_LOGS);
      assertThat(r.usage()).isNull(); // tokens only ever come from the spans
    });
    List<String> spanIds = spans.records().stream().map(FunctionalRecord::recordId).toList();
    // Every step a content log gives is one the span gives too, but for those only content
    // shows (the reasoning, and the prompt of an agent span whose content was moved out).
    assertThat(logs.records()).allSatisfy(r -> assertThat(spanIds.contains(r.recordId())
        || r.type() == RecordType.REASONING || r.type() == RecordType.PROMPT)
        .as("%s %s", r.type(), r.tool()).isTrue());
    assertThat(logs.records()).filteredOn(r -> r.type() == RecordType.PROMPT)
        .singleElement().satisfies(r ->
            assertThat(r.text()).isEqualTo("What is 17 * 23? Use the calculator."));
  }

  @Test
  void logRecordWithUnreadableIdsIsRejected() {
    LogRecord bad = LogRecord.newBuilder()
        .setTimeUnixNano(T0)
        .addAttributes(kv("event.name", "agent_prompt"))
        .addAttributes(kv("agent.prompt", "x"))
        .build();
    MappingResult result = mapper.mapLogs("t", logs("io.tracebridge.runtime.hooks", bad));
    assertThat(result.records()).isEmpty();
    assertThat(result.rejectedSpans()).isEqualTo(1);
  }

  @Test
  void logRecordsOfNoConventionGiveNothing() {
    LogRecord plain = LogRecord.newBuilder().setTimeUnixNano(T0)
        .setBody(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("hello"))
        .build();
    MappingResult result = mapper.mapLogs("t", logs("app", plain));
    assertThat(result.records()).isEmpty();
    assertThat(result.rejectedSpans()).isZero();
  }

  @SuppressWarnings("unused")
  private static KeyValue unused() {
    return kv("x", "y");
  }
}
