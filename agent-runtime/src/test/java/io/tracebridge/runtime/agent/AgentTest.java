package io.tracebridge.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.runtime.InMemoryTelemetry;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.core.ToolStatus;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.hooks.SessionContextHook;
import io.tracebridge.runtime.hooks.TelemetryCaptureHook;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.tools.CalculateTool;
import io.tracebridge.runtime.tools.EchoTool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentTest {
  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();

  @AfterEach
  void close() {
    telemetry.close();
  }

  private Agent.Builder agent(io.tracebridge.runtime.core.Model model, Tool... tools) {
    return Agent.builder()
        .model(model)
        .tools(ToolRegistry.of(tools))
        .openTelemetry(telemetry.sdk)
        .addHook(new TelemetryCaptureHook());
  }

  private static AgentRequest request(String prompt, String session, Map<String, String> attrs) {
    return new AgentRequest(prompt, session, "agent-7", List.of(new SessionContextHook(attrs)));
  }

  private static ModelResponse toolUses(ContentBlock.ToolUse... uses) {
    return new ModelResponse(List.of(uses), StopReason.TOOL_USE, new Usage(10, 5, 2, 1, 0));
  }

  private static ContentBlock.ToolUse use(String id, String name, String json) throws Exception {
    return ContentBlock.toolUse(id, name, Json.read(json));
  }

  @Test
  void calculateRunTakesTwoIterationsAndAddsTheSessionBonus() {
    RecordingModel model = new RecordingModel(new ScriptedModel());
    Agent agent = agent(model, new CalculateTool(), new EchoTool()).build();

    AgentResult result = agent.invoke(request("What is 5*3?", "s1", Map.of("bonus", "2", "userID", "u-1")));

    assertThat(result.stopReason()).isEqualTo(AgentStopReason.END_TURN);
    assertThat(result.iterations()).isEqualTo(2);
    assertThat(result.text()).isEqualTo("The result is 17.");
    assertThat(result.sessionId()).isEqualTo("s1");
    assertThat(model.responses).hasSize(2);
    assertThat(result.usage()).isEqualTo(model.totalUsage());
    assertThat(result.usage().inputTokens()).isGreaterThan(model.responses.get(0).usage().inputTokens());
    assertThat(result.traceId()).hasSize(32).isEqualTo(telemetry.spans().get(0).getTraceId());
  }

  @Test
  void theModelNeverSeesSessionAttributes() {
    RecordingModel model = new RecordingModel(new ScriptedModel());
    List<JsonNode> received = new ArrayList<>();
    Tool spy =
        new Tool() {
          @Override
          public ToolSpec spec() {
            return new CalculateTool().spec();
          }

          @Override
          public ToolResult invoke(JsonNode input) {
            received.add(input.deepCopy());
            return new CalculateTool().invoke(input);
          }
        };
    Agent agent = agent(model, spy).build();
    agent.invoke(request("2+2", "s1", Map.of("userID", "u-secret", "bonus", "1")));

    assertThat(received).hasSize(1);
    assertThat(received.get(0).get("sessionAttributes").toString()).isEqualTo("{\"bonus\":\"1\",\"userID\":\"u-secret\"}");
    assertThat(received.get(0).get("action_id").asText()).isEqualTo("calculate");
    assertThat(model.tools.get(0).toString()).doesNotContain("sessionAttributes").doesNotContain("u-secret");
    assertThat(model.requests.toString()).doesNotContain("u-secret").doesNotContain("sessionAttributes");
    assertThat(agent.conversation("s1").toString()).doesNotContain("u-secret");
  }

  @Test
  void multiToolCannedRunExecutesEveryToolInOrder() throws Exception {
    ScriptedModel canned =
        ScriptedModel.canned(
            List.of(
                toolUses(
                    use("t1", "calculate", "{\"toolParameters\":{\"operand1\":2,\"operand2\":3,\"operation\":\"add\"}}"),
                    use("t2", "echo", "{\"toolParameters\":{\"text\":\"hi\"}}")),
                new ModelResponse(List.of(ContentBlock.text("done")), StopReason.END_TURN, new Usage(20, 3, 0, 0, 0))));
    Agent agent = agent(canned, new CalculateTool(), new EchoTool()).build();

    AgentResult result = agent.invoke(AgentRequest.of("go", "s"));

    assertThat(result.stopReason()).isEqualTo(AgentStopReason.END_TURN);
    assertThat(result.text()).isEqualTo("done");
    assertThat(result.iterations()).isEqualTo(2);
    assertThat(result.usage()).isEqualTo(new Usage(30, 8, 2, 1, 0));
    List<Message> conversation = agent.conversation("s");
    assertThat(conversation).extracting(Message::role)
        .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
    assertThat(conversation.get(2).toolResults())
        .containsExactly(
            new ContentBlock.ToolResultBlock("t1", "{\"result\":5}", ToolStatus.SUCCESS),
            new ContentBlock.ToolResultBlock("t2", "{\"echo\":\"hi\"}", ToolStatus.SUCCESS));
    assertThat(telemetry.names()).containsSubsequence("execute_tool calculate", "execute_tool echo");
  }

  @Test
  void stopsWithMaxIterationsAtTheLimit() throws Exception {
    List<ModelResponse> responses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      responses.add(toolUses(use("t" + i, "echo", "{\"toolParameters\":{\"text\":\"again\"}}")));
    }
    Agent agent = agent(ScriptedModel.canned(responses), new EchoTool()).maxIterations(3).build();

    AgentResult result = agent.invoke(AgentRequest.of("loop", "s"));

    assertThat(result.stopReason()).isEqualTo(AgentStopReason.MAX_ITERATIONS);
    assertThat(result.stopReason().wireName()).isEqualTo("MaxIterations");
    assertThat(result.iterations()).isEqualTo(3);
    assertThat(result.usage()).isEqualTo(new Usage(30, 15, 6, 3, 0));
    assertThat(telemetry.spansNamed("execute_event_loop_cycle")).hasSize(3);
    assertThat(telemetry.spansNamed("execute_tool echo")).hasSize(3);
  }

  @Test
  void stopsWithMaxTokens() {
    ModelResponse truncated =
        new ModelResponse(List.of(ContentBlock.text("partial")), StopReason.MAX_TOKENS, new Usage(5, 4096, 0, 0, 0));
    Agent agent = agent(ScriptedModel.canned(List.of(truncated))).build();

    AgentResult result = agent.invoke(AgentRequest.of("write a novel", "s"));

    assertThat(result.stopReason()).isEqualTo(AgentStopReason.MAX_TOKENS);
    assertThat(result.text()).isEqualTo("partial");
    assertThat(result.iterations()).isEqualTo(1);
  }

  @Test
  void aFailingToolReturnsAnErrorResultToTheModel() {
    Tool broken =
        new Tool() {
          @Override
          public ToolSpec spec() {
            return new CalculateTool().spec();
          }

          @Override
          public ToolResult invoke(JsonNode input) {
            throw new IllegalStateException("backend down");
          }
        };
    RecordingModel model = new RecordingModel(new ScriptedModel());
    Agent agent = agent(model, broken).build();

    AgentResult result = agent.invoke(AgentRequest.of("1+1", "s"));

    assertThat(result.stopReason()).isEqualTo(AgentStopReason.END_TURN);
    assertThat(result.text()).isEqualTo("The tool failed: Tool calculate failed: backend down");
    Message toolTurn = model.requests.get(1).get(2);
    assertThat(toolTurn.toolResults().get(0).status()).isEqualTo(ToolStatus.ERROR);
    SpanData tool = telemetry.span("execute_tool calculate");
    assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.status"))).isEqualTo("error");
    assertThat(tool.getEvents()).extracting(e -> e.getName()).contains("exception");
    assertThat(telemetry.span("invoke_agent tracebridge-agent").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void anUnknownToolIsAnErrorResult() throws Exception {
    ScriptedModel canned =
        ScriptedModel.canned(
            List.of(
                toolUses(use("t1", "nope", "{}")),
                new ModelResponse(List.of(ContentBlock.text("sorry")), StopReason.END_TURN, Usage.ZERO)));
    Agent agent = agent(canned).build();
    agent.invoke(AgentRequest.of("x", "s"));
    assertThat(agent.conversation("s").get(2).toolResults().get(0))
        .isEqualTo(new ContentBlock.ToolResultBlock("t1", "Unknown tool: nope", ToolStatus.ERROR));
  }

  @Test
  void aModelFailureFailsTheInvocationAndKeepsTheConversation() {
    Agent agent = agent(ScriptedModel.canned(List.of())).build();

    assertThatThrownBy(() -> agent.invoke(AgentRequest.of("hi", "s")))
        .isInstanceOf(AgentInvocationException.class)
        .hasMessageContaining("canned")
        .satisfies(e -> assertThat(((AgentInvocationException) e).traceId()).isEqualTo(telemetry.spans().get(0).getTraceId()));
    assertThat(agent.conversation("s")).isEmpty();
    for (String name : List.of("chat", "execute_event_loop_cycle", "invoke_agent tracebridge-agent")) {
      assertThat(telemetry.span(name).getStatus().getStatusCode()).as(name).isEqualTo(StatusCode.ERROR);
    }
    assertThat(telemetry.span("chat").getEvents())
        .extracting(e -> e.getName())
        .filteredOn(n -> !n.startsWith("gen_ai."))
        .containsExactly("model_request", "exception");
  }

  @Test
  void conversationsContinuePerSessionAndAreBounded() {
    RecordingModel model = new RecordingModel(new ScriptedModel());
    Agent agent = agent(model).conversationCapacity(1).build();
    agent.invoke(AgentRequest.of("hello", "a"));
    agent.invoke(AgentRequest.of("again", "a"));
    assertThat(model.requests.get(1)).hasSize(3);
    assertThat(agent.conversation("a")).hasSize(4);

    agent.invoke(AgentRequest.of("other", "b"));
    assertThat(agent.conversation("a")).isEmpty();
  }

  @Test
  void callbacksRunInRegistrationOrderAndAfterEventsInReverse() {
    List<String> calls = new ArrayList<>();
    HookProvider first = r -> r.addCallback(BeforeModelCallEvent.class, e -> calls.add("before-1"))
        .addCallback(AfterModelCallEvent.class, e -> calls.add("after-1"));
    HookProvider second = r -> r.addCallback(BeforeModelCallEvent.class, e -> calls.add("before-2"))
        .addCallback(AfterModelCallEvent.class, e -> calls.add("after-2"));
    Agent agent = Agent.builder().model(new ScriptedModel()).addHook(first).build();
    agent.invoke(new AgentRequest("hi", "s", null, List.of(second)));
    assertThat(calls).containsExactly("before-1", "before-2", "after-2", "after-1");
  }

  @Test
  void aBeforeToolHookMayRewriteTheInputButNotTheConversation() {
    HookProvider rewrite =
        r -> r.addCallback(
            BeforeToolCallEvent.class,
            e -> ((ObjectNode) e.input().get("toolParameters")).put("operand2", 100));
    Agent agent = agent(new ScriptedModel(), new CalculateTool()).addHook(rewrite).build();
    AgentResult result = agent.invoke(AgentRequest.of("1+1", "s"));
    assertThat(result.text()).isEqualTo("The result is 101.");
    assertThat(agent.conversation("s").get(1).toolUses().get(0).input().toString()).contains("\"operand2\":1,");
  }

  @Test
  void worksWithoutAnSdk() {
    Agent agent = Agent.builder().model(new ScriptedModel()).addHook(new TelemetryCaptureHook()).build();
    AgentResult result = agent.invoke(AgentRequest.of("hi", "s"));
    assertThat(result.traceId()).isEqualTo("00000000000000000000000000000000");
  }
}
