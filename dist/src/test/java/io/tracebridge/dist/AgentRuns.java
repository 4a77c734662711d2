package io.tracebridge.dist;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Agent runs made by the real OpenTelemetry SDK, as the runtime (and Strands with the seed's
 * {@code TelemetryCaptureHook}) traces them, ending now: to be exported at once with an OTLP
 * exporter, so "span end" is the moment it is handed to the exporter, as a runtime's batch
 * processor would hand it over.
 *
 * <p>One run is a root {@code invoke_agent} span (session, agent id and name, the run's summed
 * usage; events {@code agent_prompt}, {@code agent_response}) and under it {@code calls} {@code
 * chat} spans (usage; {@code model_request}, {@code model_response}) with an {@code execute_tool
 * calculate} span ({@code tool_request}, {@code tool_response}) after each but the last: {@code 2
 * * calls} spans, each with two hook events, so {@code 4 * calls} records. Spans are in end order,
 * children first and the root last, the root ending at the time of {@link #build}; each span's
 * last event is at its end, so a record's {@code timestamp} is its span's end for the response
 * records.
 *
 * <p>Stateless; thread-safe.
 */
public final class AgentRuns {
  static final String SYSTEM = "strands-agents";
  static final String MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  /** Input tokens of a run's first model call; each later call carries the previous turn more. */
  static final long INPUT_TOKENS = 1200;
  static final long INPUT_TOKENS_PER_TURN = 150;
  static final long OUTPUT_TOKENS = 80;
  private static final long CHAT_NANOS = TimeUnit.MILLISECONDS.toNanos(3);
  private static final long TOOL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long GAP_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  private static final long EVENT_OFFSET_NANOS = 1_000;

  private AgentRuns() {}

  /**
   * One run's spans, in end order, and what it used: the sums of its model calls' tokens.
   *
   * @param spans children first, the root last
   */
  public record Run(String traceId, String sessionId, String agentId, List<SpanData> spans,
      long inputTokens, long outputTokens) {
    /** Records the span mapper makes of the run: two per span. */
    public int records() {
      return 2 * spans.size();
    }
  }

  /** Spans in a run of {@code calls} model calls. */
  public static int spansPerRun(int calls) {
    return 2 * calls;
  }

  /**
   * A run of {@code calls} model calls (at least 1) in {@code sessionId} by agent {@code
   * agentId}, its model prompts {@code promptChars} long, its answer carrying {@code label}.
   */
  public static Run build(String sessionId, String agentId, int calls, int promptChars, String label) {
    if (calls < 1) {
      throw new IllegalArgumentException("calls must be at least 1, was " + calls);
    }
    long duration = calls * (GAP_NANOS + CHAT_NANOS) + (calls - 1) * (GAP_NANOS + TOOL_NANOS) + GAP_NANOS;
    long start = LiveClient.epochNanos(Instant.now()) - duration;
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
      Tracer tracer = provider.get("strands.telemetry.tracer");
      String question = "run " + label + ": what is 17 * 23? ";
      Span root = tracer.spanBuilder("invoke_agent " + agentId)
          .setSpanKind(SpanKind.INTERNAL)
          .setStartTimestamp(start, TimeUnit.NANOSECONDS)
          .setAttribute("gen_ai.operation.name", "invoke_agent")
          .setAttribute("gen_ai.system", SYSTEM)
          .setAttribute("gen_ai.agent.name", agentId)
          .setAttribute("gen_ai.agent.id", agentId)
          .setAttribute("gen_ai.request.model", MODEL)
          .setAttribute("session.id", sessionId)
          .startSpan();
      root.addEvent("agent_prompt", Attributes.builder().put("agent.prompt", question).build(),
          start + EVENT_OFFSET_NANOS, TimeUnit.NANOSECONDS);
      Context underRoot = Context.root().with(root);
      String prompt = question + "x".repeat(Math.max(0, promptChars - question.length()));

      long time = start;
      long inputTokens = 0;
      long outputTokens = 0;
      String answer = "";
      for (int call = 0; call < calls; call++) {
        boolean last = call == calls - 1;
        long callInput = INPUT_TOKENS + call * INPUT_TOKENS_PER_TURN;
        answer = last ? "17 * 23 = 391 (" + label + ")" : "I'll use the calculator.";
        time += GAP_NANOS;
        chat(tracer, underRoot, time, prompt, 1 + 2L * call, answer, last ? "end_turn" : "tool_use", callInput);
        time += CHAT_NANOS;
        inputTokens += callInput;
        outputTokens += OUTPUT_TOKENS;
        if (!last) {
          time += GAP_NANOS;
          tool(tracer, underRoot, time, "tooluse_" + label + "_" + call);
          time += TOOL_NANOS;
        }
      }
      long end = start + duration;
      root.setAttribute("gen_ai.usage.input_tokens", inputTokens);
      root.setAttribute("gen_ai.usage.output_tokens", outputTokens);
      root.addEvent("agent_response", Attributes.builder()
              .put("agent.response", answer)
              .put("agent.input_tokens", inputTokens)
              .put("agent.output_tokens", outputTokens)
              .build(),
          end, TimeUnit.NANOSECONDS);
      root.end(end, TimeUnit.NANOSECONDS);
      List<SpanData> spans = List.copyOf(memory.getFinishedSpanItems()); // before close clears them
      return new Run(spans.get(spans.size() - 1).getTraceId(), sessionId, agentId, spans, inputTokens, outputTokens);
    }
  }

  private static void chat(Tracer tracer, Context parent, long start, String prompt, long messages,
      String response, String finishReason, long inputTokens) {
    long end = start + CHAT_NANOS;
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
        start + EVENT_OFFSET_NANOS, TimeUnit.NANOSECONDS);
    chat.addEvent("model_response", Attributes.builder()
            .put("model.response", response)
            .put("model.finish_reason", finishReason)
            .build(),
        end, TimeUnit.NANOSECONDS);
    chat.end(end, TimeUnit.NANOSECONDS);
  }

  private static void tool(Tracer tracer, Context parent, long start, String callId) {
    long end = start + TOOL_NANOS;
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
        start + EVENT_OFFSET_NANOS, TimeUnit.NANOSECONDS);
    tool.addEvent("tool_response", Attributes.builder()
            .put("tool.output", "{\"toolUseId\": \"" + callId
                + "\", \"status\": \"success\", \"content\": [{\"text\": \"391\"}]}")
            .put("tool.status", "success")
            .build(),
        end, TimeUnit.NANOSECONDS);
    tool.end(end, TimeUnit.NANOSECONDS);
  }
}
