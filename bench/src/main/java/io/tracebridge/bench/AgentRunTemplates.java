package io.tracebridge.bench;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Agent runs made once by the real OpenTelemetry SDK, in the hook-event convention the span mapper
 * reads ({@code TelemetryCaptureHook}'s event and attribute names), to be sent many times by
 * {@link LoadGenerator} under fresh ids ({@link FreshIdBatches}).
 *
 * <p>One run is a root {@code invoke_agent tracebridge-agent} span and, under it, {@code calls}
 * {@code chat} spans with one {@code execute_tool calculate} span after each but the last, so
 * {@code 2 * calls} spans in all. Every span carries exactly two hook events (prompt/response,
 * model request/response, tool request/response), so it maps to two records.
 */
final class AgentRunTemplates {
  static final String AGENT_NAME = "tracebridge-agent";
  private static final String MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String SYSTEM = "strands-agents";
  private static final long CHAT_NANOS = TimeUnit.MILLISECONDS.toNanos(800);
  private static final long TOOL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long INPUT_TOKENS = 1200;
  /** Each call's input grows by the previous turn (tool result and answer in the history). */
  private static final long INPUT_TOKENS_PER_TURN = 150;
  private static final long OUTPUT_TOKENS = 80;

  private AgentRunTemplates() {}

  /**
   * One agent run's spans in the order a BatchSpanProcessor exports them (the order they end:
   * chat, tool, chat, ..., chat, then the root), and for each span the index of its parent in
   * that list ({@code -1} for the root).
   */
  record Template(List<SpanData> spans, int[] parentIndex) {
    int size() {
      return spans.size();
    }
  }

  /** Spans in one run of {@code calls} model calls: the root, the chats and the tools between. */
  static int spansPerRun(int calls) {
    return 1 + calls + (calls - 1);
  }

  /** {@code count} distinct runs (different questions, answers and sessions), deterministic. */
  static List<Template> build(int count, int calls, int kb) {
    if (calls < 1) {
      throw new IllegalArgumentException("--calls must be at least 1, was " + calls);
    }
    Random random = new Random(7);
    // Same size of model prompt per chat span as the generator always sent (--kb).
    String filler = "x".repeat(Math.max(0, kb * 1024 - 200));
    long base = System.currentTimeMillis() * 1_000_000L;
    List<Template> templates = new ArrayList<>(count);
    for (int run = 0; run < count; run++) {
      templates.add(buildRun(run, calls, filler, random, base));
    }
    return templates;
  }

  private static Template buildRun(int run, int calls, String filler, Random random, long base) {
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
      Tracer tracer = provider.get("strands.telemetry.tracer");
      String question = "question " + random.nextInt() + ": what is 17 * 23?";
      long time = base - (run + 1) * TimeUnit.MINUTES.toNanos(1); // runs a minute apart
      Span root = tracer.spanBuilder("invoke_agent " + AGENT_NAME)
          .setSpanKind(SpanKind.INTERNAL)
          .setStartTimestamp(time, TimeUnit.NANOSECONDS)
          .setAttribute("gen_ai.operation.name", "invoke_agent")
          .setAttribute("gen_ai.system", SYSTEM)
          .setAttribute("gen_ai.agent.name", AGENT_NAME)
          .setAttribute("gen_ai.request.model", MODEL)
          .setAttribute("session.id", "session-" + (run % 32))
          .startSpan();
      root.addEvent("agent_prompt", Attributes.builder().put("agent.prompt", question).build(),
          time + 1_000, TimeUnit.NANOSECONDS);
      Context underRoot = Context.root().with(root);

      long inputTokens = 0;
      long outputTokens = 0;
      String answer = "";
      for (int call = 0; call < calls; call++) {
        boolean last = call == calls - 1;
        long callInput = INPUT_TOKENS + call * INPUT_TOKENS_PER_TURN;
        answer = last ? "17 * 23 = 391 (" + random.nextInt() + ")" : "I'll use the calculator.";
        time += GAP_NANOS;
        chatSpan(tracer, underRoot, time, question + " " + filler, 1 + 2L * call, answer,
            last ? "end_turn" : "tool_use", callInput);
        time += CHAT_NANOS;
        inputTokens += callInput;
        outputTokens += OUTPUT_TOKENS;
        if (!last) {
          time += GAP_NANOS;
          toolSpan(tracer, underRoot, time, "tooluse_" + run + "_" + call);
          time += TOOL_NANOS;
        }
      }

      // The agent's usage is the sum of its model calls, on the span and on agent_response, as
      // Strands and TelemetryCaptureHook put it.
      time += GAP_NANOS;
      root.setAttribute("gen_ai.usage.input_tokens", inputTokens);
      root.setAttribute("gen_ai.usage.output_tokens", outputTokens);
      root.addEvent("agent_response", Attributes.builder()
              .put("agent.response", answer)
              .put("agent.input_tokens", inputTokens)
              .put("agent.output_tokens", outputTokens)
              .build(),
          time, TimeUnit.NANOSECONDS);
      root.end(time + 1_000, TimeUnit.NANOSECONDS);
      return template(memory.getFinishedSpanItems()); // before close clears the exporter
    }
  }

  private static void chatSpan(Tracer tracer, Context parent, long start, String prompt,
      long messages, String response, String finishReason, long inputTokens) {
    Span chat = tracer.spanBuilder("chat")
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setStartTimestamp(start, TimeUnit.NANOSECONDS)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.system", SYSTEM)
        .setAttribute("gen_ai.request.model", MODEL)
        .setAttribute("gen_ai.usage.input_tokens", inputTokens)
        .setAttribute("gen_ai.usage.output_tokens", OUTPUT_TOKENS)
        .startSpan();
    chat.addEvent("model_request", Attributes.builder()
            .put("model.name", MODEL)
            .put("model.prompt", prompt)
            .put("model.messages_count", messages)
            .build(),
        start + 1_000, TimeUnit.NANOSECONDS);
    chat.addEvent("model_response", Attributes.builder()
            .put("model.response", response)
            .put("model.finish_reason", finishReason)
            .build(),
        start + CHAT_NANOS - 1_000, TimeUnit.NANOSECONDS);
    chat.end(start + CHAT_NANOS, TimeUnit.NANOSECONDS);
  }

  private static void toolSpan(Tracer tracer, Context parent, long start, String callId) {
    Span tool = tracer.spanBuilder("execute_tool calculate")
        .setParent(parent)
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(start, TimeUnit.NANOSECONDS)
        .setAttribute("gen_ai.operation.name", "execute_tool")
        .setAttribute("gen_ai.system", SYSTEM)
        .setAttribute("gen_ai.tool.name", "calculate")
        .setAttribute("gen_ai.tool.call.id", callId)
        .setAttribute("gen_ai.tool.status", "success")
        .startSpan();
    tool.addEvent("tool_request", Attributes.builder()
            .put("tool.name", "calculate")
            .put("tool.input", "{\"expression\": \"17 * 23\"}")
            .build(),
        start + 1_000, TimeUnit.NANOSECONDS);
    tool.addEvent("tool_response", Attributes.builder()
            .put("tool.output", "{\"toolUseId\": \"" + callId
                + "\", \"status\": \"success\", \"content\": [{\"text\": \"391\"}]}")
            .put("tool.status", "success")
            .build(),
        start + TOOL_NANOS - 1_000, TimeUnit.NANOSECONDS);
    tool.end(start + TOOL_NANOS, TimeUnit.NANOSECONDS);
  }

  /** The finished spans (in end order) with each one's parent as an index into the list. */
  private static Template template(List<SpanData> finished) {
    List<SpanData> spans = List.copyOf(finished);
    Map<String, Integer> indexBySpanId = new HashMap<>();
    for (int i = 0; i < spans.size(); i++) {
      indexBySpanId.put(spans.get(i).getSpanId(), i);
    }
    int[] parentIndex = new int[spans.size()];
    for (int i = 0; i < spans.size(); i++) {
      SpanData span = spans.get(i);
      parentIndex[i] = span.getParentSpanContext().isValid()
          ? indexBySpanId.get(span.getParentSpanId())
          : -1;
    }
    return new Template(spans, parentIndex);
  }
}
