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
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, item 5: a token count no model call can have (negative, above {@link
 * Usage#MAX_TOKENS}, or past a {@code long}) rejects its span, under every convention's key, with
 * a reason naming the attribute; the other spans of the request map and their usage is exact.
 */
class TokenCountLimitsTest {
  private static final String GOOD_SPAN = "a1b2c3d4e5f6000a";
  private static final String BAD_SPAN = "a1b2c3d4e5f6000b";
  private final SpanMapper mapper = new SpanMapper();

  /** A GenAI semconv chat span with 100 input and 10 output tokens. */
  private static Span goodChat() {
    return span("chat m")
        .setSpanId(id(GOOD_SPAN))
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 100))
        .addAttributes(kv("gen_ai.usage.output_tokens", 10))
        .build();
  }

  static Stream<Arguments> outOfRange() {
    Span.Builder semconv = span("chat m").addAttributes(kv("gen_ai.operation.name", "chat"));
    Span.Builder openLlmetry = span("openai.chat").addAttributes(kv("llm.request.type", "chat"));
    Span.Builder openInference = span("llm").addAttributes(kv("openinference.span.kind", "LLM"));
    Span.Builder strandsAgent = span("invoke_agent a")
        .addAttributes(kv("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(kv("gen_ai.system", "strands-agents"));
    Span.Builder hookCycle = span("execute_event_loop_cycle");
    return Stream.of(
        Arguments.of(semconv.clone()
            .addAttributes(kv("gen_ai.usage.input_tokens", Long.MAX_VALUE)), "gen_ai.usage.input_tokens"),
        Arguments.of(semconv.clone()
            .addAttributes(kv("gen_ai.usage.output_tokens", -5)), "gen_ai.usage.output_tokens"),
        Arguments.of(semconv.clone().addAttributes(kv("gen_ai.usage.input_tokens", 10))
            .addAttributes(kv("gen_ai.usage.cache_read_input_tokens", Long.MAX_VALUE - 5)),
            "gen_ai.usage.cache_read_input_tokens"),
        Arguments.of(openLlmetry.clone()
            .addAttributes(kv("gen_ai.usage.prompt_tokens", "-5")), "gen_ai.usage.prompt_tokens"),
        Arguments.of(openLlmetry.clone()
            .addAttributes(kv("llm.usage.total_tokens", "9223372036854775808")), "llm.usage.total_tokens"),
        Arguments.of(openInference.clone()
            .addAttributes(kv("llm.token_count.prompt", 1e19)), "llm.token_count.prompt"),
        Arguments.of(openInference.clone()
            .addAttributes(kv("llm.token_count.completion", Double.POSITIVE_INFINITY)),
            "llm.token_count.completion"),
        Arguments.of(strandsAgent.clone()
            .addAttributes(kv("gen_ai.usage.input_tokens", Usage.MAX_AGENT_TOTAL_TOKENS + 1)),
            "gen_ai.usage.input_tokens"),
        Arguments.of(semconv.clone()
            .addAttributes(kv("gen_ai.usage.input_tokens", Usage.MAX_TOKENS + 1)),
            "gen_ai.usage.input_tokens"),
        Arguments.of(hookCycle.clone().addEvents(event("agent_response", 5,
            kv("agent.response", "done"), kv("agent.input_tokens", Usage.MAX_AGENT_TOTAL_TOKENS + 1))),
            "agent.input_tokens"),
        Arguments.of(hookCycle.clone().addEvents(event("model_response", 5,
            kv("model.input_tokens", Long.MAX_VALUE))), "model.input_tokens"),
        Arguments.of(hookCycle.clone().addEvents(event("agent_response", 5,
            kv("agent.response", "done"), kv("agent.output_tokens", -5))), "agent.output_tokens"),
        Arguments.of(hookCycle.clone().addEvents(event("model_response", 5,
            kv("span.gen_ai.usage.output_tokens", "-5"))), "span.gen_ai.usage.output_tokens"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("outOfRange")
  void rejectsTheSpanNamingTheCountAndMapsTheRest(Span.Builder bad, String attribute) {
    MappingResult result = mapper.map("t",
        List.of(resourceSpans(bad.setSpanId(id(BAD_SPAN)).build(), goodChat())));

    assertThat(result.rejectedSpans()).isEqualTo(1);
    assertThat(result.issues()).singleElement().satisfies(issue -> {
      assertThat(issue.spanId()).isEqualTo(BAD_SPAN);
      assertThat(issue.traceId()).isEqualTo(TRACE_ID);
      assertThat(issue.reason()).startsWith("span rejected: token count '" + attribute + "' is ");
    });
    assertThat(result.records()).isNotEmpty().allSatisfy(r -> assertThat(r.spanId()).isEqualTo(GOOD_SPAN));
    assertThat(result.spans()).extracting(SpanNode::spanId).containsExactly(GOOD_SPAN);
    assertThat(TraceUsage.total(result.records())).isEqualTo(Usage.of(100, 10));
  }

  @Test
  void theCeilingItselfIsACountTotalsIncluded() {
    long m = Usage.MAX_TOKENS / 10;
    Span atCeiling = span("chat m")
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 4 * m))
        .addAttributes(kv("gen_ai.usage.cache_read_input_tokens", 2 * m))
        .addAttributes(kv("gen_ai.usage.cache_write_input_tokens", m))
        .addAttributes(kv("gen_ai.usage.output_tokens", 3 * m))
        .addAttributes(kv("gen_ai.usage.total_tokens", Usage.MAX_TOKENS))
        .build();

    MappingResult result = mapper.map("t", List.of(resourceSpans(atCeiling)));

    assertThat(result.rejectedSpans()).isZero();
    // Converse-style input (total = input + output + cache) gets the cache added: still exact.
    assertThat(TraceUsage.total(result.records())).isEqualTo(new Usage(7 * m, 3 * m, 2 * m, m, 0));
  }

  @Test
  void spanUsageCountsNothingOfASpanTheMapperRejects() {
    // The CloudWatch EMF metrics read usage off raw spans: a rejected span must not count there.
    assertThat(SpanUsage.of(List.of(kv("gen_ai.usage.input_tokens", Long.MAX_VALUE),
        kv("gen_ai.usage.cache_read_input_tokens", 5), kv("gen_ai.usage.output_tokens", 1))))
        .isNull();
    assertThat(SpanUsage.of(List.of(kv("llm.token_count.prompt", -5)))).isNull();
    assertThat(SpanUsage.of(List.of(kv("gen_ai.usage.input_tokens", 5))))
        .isEqualTo(Usage.of(5, 0));
  }

  @Test
  void aReusedAgentsAccumulatedTotalsMayPassTheCallCeiling() {
    // Strands never resets accumulated_usage on a reused Agent: a long-lived server's agent span
    // may report billions of tokens. Its records are kept; the call ceiling is for model calls.
    long total = 5 * Usage.MAX_TOKENS;
    Span agent = span("invoke_agent a")
        .addAttributes(kv("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(kv("gen_ai.system", "strands-agents"))
        .addAttributes(kv("gen_ai.usage.input_tokens", total))
        .addAttributes(kv("gen_ai.usage.output_tokens", 7))
        .addEvents(event("agent_response", 5, kv("agent.response", "done"),
            kv("span.gen_ai.usage.input_tokens", Long.toString(total))))
        .build();

    MappingResult result = mapper.map("t", List.of(resourceSpans(agent)));

    assertThat(result.rejectedSpans()).isZero();
    assertThat(result.records()).filteredOn(r -> r.type() == RecordType.RESPONSE).singleElement()
        .satisfies(r -> assertThat(r.totalUsage()).isEqualTo(Usage.of(total, 7)));
  }

  @Test
  void aCountThatIsNotANumberStaysASoftIssue() {
    Span odd = span("chat m")
        .setSpanId(id(BAD_SPAN))
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.usage.input_tokens", "lots"))
        .addAttributes(kv("gen_ai.usage.output_tokens", 7))
        .build();

    MappingResult result = mapper.map("t", List.of(resourceSpans(odd)));

    assertThat(result.rejectedSpans()).isZero();
    assertThat(TraceUsage.total(result.records())).isEqualTo(Usage.of(0, 7));
    assertThat(result.issues()).extracting(MappingIssue::reason).containsExactly(
        "attribute 'gen_ai.usage.input_tokens' is not a non-negative whole number; ignored");
  }

  @Test
  void aHookLogRecordWithAnAbsurdCountIsRejectedBesideAGoodOne() {
    LogRecord bad = hookLog(BAD_SPAN, "model_response",
        kv("model.response", "lost"), kv("model.input_tokens", Long.MAX_VALUE));
    LogRecord good = hookLog(GOOD_SPAN, "agent_prompt", kv("agent.prompt", "kept"));

    MappingResult result = mapper.mapLogs("t", ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.tracebridge.runtime.hooks"))
            .addLogRecords(bad).addLogRecords(good)))
        .build());

    assertThat(result.rejectedSpans()).isEqualTo(1);
    assertThat(result.issues()).singleElement().satisfies(issue -> assertThat(issue.reason())
        .contains("log record rejected: token count 'model.input_tokens' is 9223372036854775807"));
    assertThat(result.records()).extracting(FunctionalRecord::text).containsExactly("kept");
  }

  private static LogRecord hookLog(String spanId, String eventName, KeyValue... attributes) {
    return LogRecord.newBuilder()
        .setTraceId(id(TRACE_ID))
        .setSpanId(id(spanId))
        .setTimeUnixNano(T0)
        .addAttributes(kv("event.name", eventName))
        .addAllAttributes(List.of(attributes))
        .build();
  }
}
