package io.tracebridge.runtime.hooks;

import static io.tracebridge.runtime.InMemoryTelemetry.event;
import static io.tracebridge.runtime.InMemoryTelemetry.num;
import static io.tracebridge.runtime.InMemoryTelemetry.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.runtime.InMemoryTelemetry;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.agent.AgentResult;
import io.tracebridge.runtime.agent.HookProvider;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.tools.CalculateTool;
import io.tracebridge.runtime.tools.EchoTool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TelemetryCaptureHookTest {
  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();

  @AfterEach
  void close() {
    telemetry.close();
  }

  /** Runs "What is 5*3?" with bonus 2; {@code sessionHookFirst} decides the registration order. */
  private AgentResult calculate(boolean sessionHookFirst) {
    HookProvider session = new SessionContextHook(Map.of("bonus", "2", "userID", "user-42"));
    HookProvider capture = new TelemetryCaptureHook();
    Agent agent =
        Agent.builder()
            .model(new ScriptedModel())
            .tools(ToolRegistry.of(new CalculateTool(), new EchoTool()))
            .openTelemetry(telemetry.sdk)
            .addHook(sessionHookFirst ? session : capture)
            .addHook(sessionHookFirst ? capture : session)
            .build();
    return agent.invoke(new AgentRequest("What is 5*3?", "s-1", null, List.of()));
  }

  @Test
  void agentEventsOnTheRootSpan() {
    AgentResult result = calculate(false);
    SpanData root = telemetry.span("invoke_agent tracebridge-agent");
    assertThat(hookEvents(root)).containsExactly("agent_prompt", "agent_response");
    assertThat(str(event(root, "agent_prompt"), "agent.prompt")).isEqualTo("What is 5*3?");
    EventData response = event(root, "agent_response");
    assertThat(str(response, "agent.response")).isEqualTo("The result is 17.");
    assertThat(num(response, "agent.input_tokens")).isEqualTo(result.usage().inputTokens());
    assertThat(num(response, "agent.output_tokens")).isEqualTo(result.usage().outputTokens());
    // span.* copies: set before the hook fired, so the accumulated usage is there.
    assertThat(str(response, "span.gen_ai.usage.total_tokens")).isEqualTo(Long.toString(result.usage().totalTokens()));
    assertThat(str(response, "span.session.id")).isEqualTo("s-1");
    assertThat(str(event(root, "agent_prompt"), "span.gen_ai.operation.name")).isEqualTo("invoke_agent");
  }

  @Test
  void modelEventsOnTheChatSpans() {
    calculate(false);
    List<SpanData> chats = telemetry.spansNamed("chat");
    EventData request1 = event(chats.get(0), "model_request");
    assertThat(str(request1, "model.name")).isEqualTo("scripted");
    assertThat(str(request1, "model.prompt")).isEqualTo("What is 5*3?");
    assertThat(num(request1, "model.messages_count")).isEqualTo(1L);
    EventData response1 = event(chats.get(0), "model_response");
    assertThat(str(response1, "model.response")).isEqualTo("Let me calculate 5*3.");
    assertThat(str(response1, "model.finish_reason")).isEqualTo("tool_use");
    assertThat(str(response1, "model.reasoning")).isEqualTo("The user wants 5*3; I will use the calculate tool.");
    assertThat(str(response1, "span.gen_ai.usage.input_tokens"))
        .isEqualTo(chats.get(0).getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("gen_ai.usage.input_tokens")).toString());

    EventData request2 = event(chats.get(1), "model_request");
    assertThat(str(request2, "model.prompt")).isEqualTo("What is 5*3?");
    assertThat(num(request2, "model.messages_count")).isEqualTo(3L);
    EventData response2 = event(chats.get(1), "model_response");
    assertThat(str(response2, "model.response")).isEqualTo("The result is 17.");
    assertThat(str(response2, "model.finish_reason")).isEqualTo("end_turn");
    assertThat(response2.getAttributes().asMap().keySet()).noneMatch(k -> k.getKey().equals("model.reasoning"));
  }

  @ParameterizedTest(name = "session hook registered first: {0}")
  @ValueSource(booleans = {true, false})
  void toolEventsRecordTheModelsInputWithoutSessionAttributes(boolean sessionHookFirst) {
    AgentResult result = calculate(sessionHookFirst);
    assertThat(result.text()).isEqualTo("The result is 17."); // the tool did get the bonus
    SpanData tool = telemetry.span("execute_tool calculate");
    assertThat(hookEvents(tool)).containsExactly("tool_request", "tool_response");
    EventData request = event(tool, "tool_request");
    assertThat(str(request, "tool.name")).isEqualTo("calculate");
    assertThat(str(request, "tool.input"))
        .isEqualTo("{\"toolParameters\":{\"operand1\":5,\"operand2\":3,\"operation\":\"multiply\"}}");
    assertThat(request.getAttributes().toString()).doesNotContain("user-42").doesNotContain("sessionAttributes");
    EventData response = event(tool, "tool_response");
    assertThat(str(response, "tool.output")).isEqualTo("{\"result\":17}");
    assertThat(str(response, "tool.status")).isEqualTo("success");
    assertThat(str(response, "span.gen_ai.tool.status")).isEqualTo("success");
    assertThat(str(response, "span.gen_ai.tool.name")).isEqualTo("calculate");
  }

  @Test
  void aFailureToBuildAnEventAddsTraceParsingError() throws Exception {
    // A POJO Jackson cannot serialise makes tool.input fail.
    com.fasterxml.jackson.databind.node.ObjectNode input = Json.object();
    input.putPOJO("odd", new Object());
    ScriptedModel canned =
        ScriptedModel.canned(
            List.of(
                new ModelResponse(List.of(ContentBlock.toolUse("t1", "echo", input)), StopReason.TOOL_USE, Usage.ZERO),
                new ModelResponse(List.of(ContentBlock.text("ok")), StopReason.END_TURN, Usage.ZERO)));
    Agent agent =
        Agent.builder()
            .model(canned)
            .tools(ToolRegistry.of(new EchoTool()))
            .openTelemetry(telemetry.sdk)
            .addHook(new TelemetryCaptureHook())
            .build();
    agent.invoke(AgentRequest.of("x", "s"));
    EventData request = event(telemetry.span("execute_tool echo"), "tool_request");
    assertThat(str(request, "trace_parsing_error")).isNotBlank();
    assertThat(str(request, "tool.input")).isNull();
    assertThat(str(request, "span.gen_ai.tool.name")).isEqualTo("echo");
  }

  /** The span's event names other than Strands' own {@code gen_ai.*} content events. */
  static List<String> hookEvents(SpanData span) {
    return span.getEvents().stream().map(EventData::getName).filter(n -> !n.startsWith("gen_ai.")).toList();
  }

  @Test
  void lastUserTextSkipsToolResultTurns() {
    assertThat(TelemetryCaptureHook.lastUserText(List.of())).isEmpty();
  }

  @Test
  void actionIdIsTheNameAfterTheLastSeparator() {
    assertThat(SessionContextHook.actionId("test-lambda-tools___calculate")).isEqualTo("calculate");
    assertThat(SessionContextHook.actionId("a___b___c")).isEqualTo("c");
    assertThat(SessionContextHook.actionId("echo")).isEqualTo("echo");
    assertThat(new SessionContextHook(Map.of("userID", "secret")).toString()).doesNotContain("secret");
  }
}
