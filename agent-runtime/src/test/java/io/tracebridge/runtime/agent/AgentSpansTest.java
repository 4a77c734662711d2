package io.tracebridge.runtime.agent;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.runtime.InMemoryTelemetry;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.hooks.SessionContextHook;
import io.tracebridge.runtime.hooks.TelemetryCaptureHook;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.tools.CalculateTool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Span names, structure and attributes of a calculate run, as the span mapper reads them. */
class AgentSpansTest {
  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();
  private RecordingModel model;
  private AgentResult result;

  @BeforeEach
  void run() {
    model = new RecordingModel(new ScriptedModel());
    Agent agent =
        Agent.builder()
            .model(model)
            .tools(ToolRegistry.of(new CalculateTool()))
            .openTelemetry(telemetry.sdk)
            .agentName("calc-agent")
            .addHook(new TelemetryCaptureHook())
            .build();
    result =
        agent.invoke(
            new AgentRequest("What is 6*7?", "sess-1", "agent-9", List.of(new SessionContextHook(Map.of("bonus", "1")))));
  }

  @AfterEach
  void close() {
    telemetry.close();
  }

  @Test
  void namesAndStructureFollowStrands() {
    assertThat(telemetry.names())
        .containsExactly(
            "chat", "execute_tool calculate", "execute_event_loop_cycle",
            "chat", "execute_event_loop_cycle", "invoke_agent calc-agent");
    SpanData root = telemetry.span("invoke_agent calc-agent");
    List<SpanData> cycles = telemetry.spansNamed("execute_event_loop_cycle");
    List<SpanData> chats = telemetry.spansNamed("chat");
    SpanData tool = telemetry.span("execute_tool calculate");
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(cycles).allSatisfy(c -> assertThat(c.getParentSpanId()).isEqualTo(root.getSpanId()));
    assertThat(chats.get(0).getParentSpanId()).isEqualTo(cycles.get(0).getSpanId());
    assertThat(chats.get(1).getParentSpanId()).isEqualTo(cycles.get(1).getSpanId());
    assertThat(tool.getParentSpanId()).isEqualTo(cycles.get(0).getSpanId());
    assertThat(telemetry.spans()).allSatisfy(s -> {
      assertThat(s.getTraceId()).isEqualTo(result.traceId());
      assertThat(s.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(s.getInstrumentationScopeInfo().getName()).isEqualTo(Agent.TRACER_NAME);
    });
  }

  @Test
  void everySpanCarriesSessionAndAgentIdentity() {
    assertThat(telemetry.spans()).allSatisfy(s -> {
      assertThat(s.getAttributes().get(stringKey("session.id"))).isEqualTo("sess-1");
      assertThat(s.getAttributes().get(stringKey("gen_ai.agent.name"))).isEqualTo("calc-agent");
      assertThat(s.getAttributes().get(stringKey("gen_ai.agent.id"))).isEqualTo("agent-9");
      assertThat(s.getAttributes().get(stringKey("gen_ai.system"))).isEqualTo("strands-agents");
    });
  }

  @Test
  void operationAndToolAttributes() {
    SpanData root = telemetry.span("invoke_agent calc-agent");
    assertThat(root.getAttributes().get(stringKey("gen_ai.operation.name"))).isEqualTo("invoke_agent");
    assertThat(root.getAttributes().get(stringKey("gen_ai.request.model"))).isEqualTo("scripted");
    assertThat(root.getAttributes().get(stringKey("gen_ai.agent.tools"))).isEqualTo("[\"calculate\"]");
    for (SpanData cycle : telemetry.spansNamed("execute_event_loop_cycle")) {
      assertThat(cycle.getAttributes().get(stringKey("gen_ai.operation.name"))).isEqualTo("execute_event_loop_cycle");
      assertThat(cycle.getAttributes().get(stringKey("event_loop.cycle_id"))).hasSize(36);
    }
    for (SpanData chat : telemetry.spansNamed("chat")) {
      assertThat(chat.getAttributes().get(stringKey("gen_ai.operation.name"))).isEqualTo("chat");
      assertThat(chat.getAttributes().get(stringKey("gen_ai.request.model"))).isEqualTo("scripted");
    }
    SpanData tool = telemetry.span("execute_tool calculate");
    assertThat(tool.getAttributes().get(stringKey("gen_ai.operation.name"))).isEqualTo("execute_tool");
    assertThat(tool.getAttributes().get(stringKey("gen_ai.tool.name"))).isEqualTo("calculate");
    assertThat(tool.getAttributes().get(stringKey("gen_ai.tool.call.id"))).isEqualTo("tooluse_1_0");
    assertThat(tool.getAttributes().get(stringKey("gen_ai.tool.status"))).isEqualTo("success");
  }

  @Test
  void chatSpansCarryOnlyTheirOwnCallsTokensAndTheRootTheSum() {
    List<SpanData> chats = telemetry.spansNamed("chat");
    for (int i = 0; i < 2; i++) {
      assertUsage(chats.get(i), model.responses.get(i).usage());
    }
    assertThat(model.responses.get(0).usage()).isNotEqualTo(model.responses.get(1).usage());
    assertUsage(telemetry.span("invoke_agent calc-agent"), model.totalUsage());
    assertThat(result.usage()).isEqualTo(model.totalUsage());
    assertThat(telemetry.span("execute_tool calculate").getAttributes().get(longKey("gen_ai.usage.input_tokens"))).isNull();
    assertThat(telemetry.spansNamed("execute_event_loop_cycle").get(0).getAttributes().get(longKey("gen_ai.usage.input_tokens")))
        .isNull();
  }

  private static void assertUsage(SpanData span, Usage usage) {
    assertThat(span.getAttributes().get(longKey("gen_ai.usage.prompt_tokens"))).isEqualTo(usage.inputTokens());
    assertThat(span.getAttributes().get(longKey("gen_ai.usage.input_tokens"))).isEqualTo(usage.inputTokens());
    assertThat(span.getAttributes().get(longKey("gen_ai.usage.completion_tokens"))).isEqualTo(usage.outputTokens());
    assertThat(span.getAttributes().get(longKey("gen_ai.usage.output_tokens"))).isEqualTo(usage.outputTokens());
    assertThat(span.getAttributes().get(longKey("gen_ai.usage.total_tokens"))).isEqualTo(usage.totalTokens());
    assertThat(span.getAttributes().get(longKey("gen_ai.usage.cache_read_input_tokens"))).isEqualTo(usage.cacheReadTokens());
    assertThat(span.getAttributes().get(longKey("gen_ai.usage.cache_write_input_tokens"))).isEqualTo(usage.cacheWriteTokens());
  }
}
