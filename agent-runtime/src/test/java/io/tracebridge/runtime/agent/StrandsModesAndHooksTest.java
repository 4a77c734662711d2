package io.tracebridge.runtime.agent;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.runtime.InMemoryTelemetry;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.telemetry.SemconvMode;
import io.tracebridge.runtime.tools.CalculateTool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Strands' two content-event modes, the other hook events, StopSequence and per-request models. */
class StrandsModesAndHooksTest {
  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();

  @AfterEach
  void close() {
    telemetry.close();
  }

  private Agent calc(SemconvMode mode) {
    Agent agent = Agent.builder().model(new ScriptedModel()).tools(ToolRegistry.of(new CalculateTool()))
        .openTelemetry(telemetry.sdk).semconv(mode).systemPrompt("Be exact.").build();
    agent.invoke(AgentRequest.of("What is 5*3?", "s"));
    return agent;
  }

  private static List<String> names(SpanData span) {
    return span.getEvents().stream().map(EventData::getName).toList();
  }

  private static JsonNode json(EventData e, String key) throws Exception {
    return Json.read(e.getAttributes().get(stringKey(key)));
  }

  @Test
  void optInSelectsTheModeAsStrandsDoes() {
    assertThat(SemconvMode.fromOptIn(null)).isEqualTo(SemconvMode.LEGACY);
    assertThat(SemconvMode.fromOptIn("http")).isEqualTo(SemconvMode.LEGACY);
    assertThat(SemconvMode.fromOptIn("gen_ai_tool_definitions, gen_ai_latest_experimental")).isEqualTo(SemconvMode.LATEST);
  }

  @Test
  void legacyModePerMessageEventsAndChoices() throws Exception {
    calc(SemconvMode.LEGACY);
    SpanData root = telemetry.span("invoke_agent tracebridge-agent");
    assertThat(root.getAttributes().get(stringKey("gen_ai.system"))).isEqualTo("strands-agents");
    assertThat(root.getAttributes().get(stringKey("gen_ai.provider.name"))).isNull();
    assertThat(root.getAttributes().get(stringKey("gen_ai.event.start_time"))).isNotBlank();
    assertThat(root.getAttributes().get(stringKey("gen_ai.event.end_time"))).isNotBlank();
    assertThat(names(root)).containsExactly("gen_ai.user.message", "gen_ai.choice");
    assertThat(InMemoryTelemetry.str(InMemoryTelemetry.event(root, "gen_ai.choice"), "finish_reason")).isEqualTo("end_turn");

    List<SpanData> chats = telemetry.spansNamed("chat");
    assertThat(names(chats.get(0))).containsExactly("gen_ai.system.message", "gen_ai.user.message", "gen_ai.choice");
    assertThat(names(chats.get(1))).containsExactly(
        "gen_ai.system.message", "gen_ai.user.message", "gen_ai.assistant.message", "gen_ai.tool.message", "gen_ai.choice");
    JsonNode choice = json(InMemoryTelemetry.event(chats.get(0), "gen_ai.choice"), "message");
    assertThat(choice.get(0).path("reasoningContent").path("reasoningText").path("text").asText()).contains("calculate");
    assertThat(choice.get(2).path("toolUse").path("name").asText()).isEqualTo("calculate");

    SpanData tool = telemetry.span("execute_tool calculate");
    assertThat(names(tool)).containsExactly("gen_ai.tool.message", "gen_ai.choice");
    assertThat(json(InMemoryTelemetry.event(tool, "gen_ai.choice"), "message").get(0).path("text").asText())
        .isEqualTo("{\"result\":15}");
    SpanData firstCycle = telemetry.spansNamed("execute_event_loop_cycle").get(0);
    assertThat(InMemoryTelemetry.str(InMemoryTelemetry.event(firstCycle, "gen_ai.choice"), "tool.result")).contains("toolResult");
    SpanData secondCycle = telemetry.spansNamed("execute_event_loop_cycle").get(1);
    assertThat(secondCycle.getAttributes().get(stringKey("event_loop.parent_cycle_id")))
        .isEqualTo(firstCycle.getAttributes().get(stringKey("event_loop.cycle_id")));
  }

  @Test
  void latestModeOperationDetailsEvents() throws Exception {
    calc(SemconvMode.LATEST);
    SpanData root = telemetry.span("invoke_agent tracebridge-agent");
    assertThat(root.getAttributes().get(stringKey("gen_ai.provider.name"))).isEqualTo("strands-agents");
    assertThat(root.getAttributes().get(stringKey("gen_ai.system"))).isNull();
    assertThat(telemetry.spans()).allSatisfy(s -> assertThat(names(s)).allMatch(n -> n.equals("gen_ai.client.inference.operation.details")));

    SpanData chat = telemetry.spansNamed("chat").get(0);
    EventData start = chat.getEvents().get(0);
    assertThat(json(start, "gen_ai.system_instructions").get(0).path("content").asText()).isEqualTo("Be exact.");
    assertThat(json(start, "gen_ai.input.messages").get(0).path("parts").get(0).path("type").asText()).isEqualTo("text");
    JsonNode out = json(chat.getEvents().get(1), "gen_ai.output.messages").get(0);
    assertThat(out.path("finish_reason").asText()).isEqualTo("tool_use");
    assertThat(out.path("parts")).extracting(p -> p.path("type").asText())
        .containsExactly("reasoningContent", "text", "tool_call");

    SpanData tool = telemetry.span("execute_tool calculate");
    JsonNode call = json(tool.getEvents().get(0), "gen_ai.input.messages").get(0).path("parts").get(0);
    assertThat(call.path("type").asText()).isEqualTo("tool_call");
    assertThat(call.path("arguments").path("toolParameters").path("operation").asText()).isEqualTo("multiply");
    JsonNode response = json(tool.getEvents().get(1), "gen_ai.output.messages").get(0).path("parts").get(0);
    assertThat(response.path("type").asText()).isEqualTo("tool_call_response");
    JsonNode end = json(root.getEvents().get(1), "gen_ai.output.messages").get(0);
    assertThat(end.path("parts").get(0).path("content").asText()).isEqualTo("The result is 15.");
  }

  @Test
  void initializedOnceAndMessageAddedForEveryMessageInOrder() {
    List<String> seen = new ArrayList<>();
    HookProvider probe = registry -> registry
        .addCallback(AgentInitializedEvent.class, e -> seen.add("init"))
        .addCallback(MessageAddedEvent.class, e -> seen.add("message:" + e.message().role().wireName()));
    Agent agent = Agent.builder().model(new ScriptedModel()).tools(ToolRegistry.of(new CalculateTool())).addHook(probe).build();
    assertThat(seen).containsExactly("init");
    agent.invoke(AgentRequest.of("What is 1+1?", "s"));
    assertThat(seen).containsExactly("init", "message:user", "message:assistant", "message:user", "message:assistant");
  }

  @Test
  void stopSequenceEndsTheLoop() {
    Agent agent = Agent.builder().model(ScriptedModel.canned(List.of(
        new ModelResponse(List.of(ContentBlock.text("up to ###")), StopReason.STOP_SEQUENCE, Usage.ZERO)))).build();
    AgentResult result = agent.invoke(AgentRequest.of("go", "s"));
    assertThat(result.stopReason()).isEqualTo(AgentStopReason.STOP_SEQUENCE);
    assertThat(result.stopReason().wireName()).isEqualTo("StopSequence");
    assertThat(result.iterations()).isEqualTo(1);
  }

  @Test
  void aRequestMayNameAnotherModel() {
    ScriptedModel other = ScriptedModel.canned(List.of(
        new ModelResponse(List.of(ContentBlock.text("from other")), StopReason.END_TURN, Usage.ZERO)));
    Agent agent = Agent.builder().model(new ScriptedModel()).openTelemetry(telemetry.sdk)
        .modelResolver(id -> {
          if (id.equals("other")) {
            return new io.tracebridge.runtime.core.Model() {
              @Override
              public String modelId() {
                return "other";
              }

              @Override
              public ModelResponse converse(List<Message> m, List<io.tracebridge.runtime.core.ToolSpec> t, String s,
                  io.tracebridge.runtime.core.ModelRequestOptions o) {
                return other.converse(m, t, s, o);
              }
            };
          }
          throw new IllegalArgumentException("unknown " + id);
        }).build();
    AgentResult result = agent.invoke(new AgentRequest("hi", "s", null, List.of(), "other"));
    assertThat(result.text()).isEqualTo("from other");
    assertThat(telemetry.span("chat").getAttributes().get(stringKey("gen_ai.request.model"))).isEqualTo("other");
    assertThatThrownBy(() -> agent.invoke(new AgentRequest("hi", "s", null, List.of(), "nope")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
