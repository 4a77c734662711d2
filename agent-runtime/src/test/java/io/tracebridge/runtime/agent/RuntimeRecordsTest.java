package io.tracebridge.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.cloudwatch.otlp.SpanDataConverter;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.runtime.InMemoryTelemetry;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.hooks.TelemetryCaptureHook;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.tools.CalculateTool;
import io.tracebridge.runtime.tools.EchoTool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.annotation.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's spans as TraceBridge reads them: one record per step, usage once and with one
 * meaning (cached input included), the run's stop reason on its {@code response} record.
 */
class RuntimeRecordsTest {
  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();

  @AfterEach
  void close() {
    telemetry.close();
  }

  private Agent.Builder agent(Model model) {
    return Agent.builder().model(model).openTelemetry(telemetry.sdk).agentName("calc-agent")
        .addHook(new TelemetryCaptureHook());
  }

  private List<FunctionalRecord> records() {
    return new SpanMapper().map("t", SpanDataConverter.toRequest(telemetry.spans())).records();
  }

  private static FunctionalRecord response(List<FunctionalRecord> records) {
    return records.stream().filter(r -> r.type() == RecordType.RESPONSE).findFirst().orElseThrow();
  }

  private static io.tracebridge.mapper.Usage asRecordUsage(Usage u) {
    return new io.tracebridge.mapper.Usage(
        u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens(), u.reasoningTokens());
  }

  @Test
  void oneRecordPerStepAndEachCallsUsageOnce() {
    Agent agent = agent(new ScriptedModel()).tools(ToolRegistry.of(new CalculateTool())).build();
    AgentResult result = agent.invoke(new AgentRequest("What is 6*7?", "sess-1", "agent-9", List.of()));

    List<FunctionalRecord> records = records();
    Map<RecordType, Long> counts =
        records.stream().collect(Collectors.groupingBy(FunctionalRecord::type, Collectors.counting()));
    assertThat(counts).containsEntry(RecordType.PROMPT, 1L).containsEntry(RecordType.MODEL_REQUEST, 2L)
        .containsEntry(RecordType.MODEL_RESPONSE, 2L).containsEntry(RecordType.TOOL_REQUEST, 1L)
        .containsEntry(RecordType.TOOL_RESPONSE, 1L).containsEntry(RecordType.RESPONSE, 1L);
    assertThat(TraceUsage.total(records)).isEqualTo(asRecordUsage(result.usage()));
    FunctionalRecord response = response(records);
    assertThat(response.usage()).isNull();
    assertThat(response.totalUsage()).isEqualTo(asRecordUsage(result.usage()));
    assertThat(response.finishReason()).isEqualTo("end_turn");
    assertThat(records).allSatisfy(r -> assertThat(r.agentId()).isEqualTo("agent-9"));
  }

  @Test
  void cachedInputIsCountedOnceWithTheSameMeaning() throws Exception {
    ModelResponse call = new ModelResponse(List.of(ContentBlock.text("done")), StopReason.END_TURN,
        new Usage(1350, 45, 1000, 150, 0)); // input includes the 1000 read and the 150 written
    agent(ScriptedModel.canned(List.of(call))).build().invoke(AgentRequest.of("hi", "s"));

    FunctionalRecord modelResponse = records().stream()
        .filter(r -> r.type() == RecordType.MODEL_RESPONSE).findFirst().orElseThrow();
    assertThat(modelResponse.usage()).isEqualTo(new io.tracebridge.mapper.Usage(1350, 45, 1000, 150, 0));
  }

  @Test
  void aRunStoppedByMaxIterationsSaysSoOnItsResponse() throws Exception {
    List<ModelResponse> responses = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      responses.add(new ModelResponse(
          List.of(ContentBlock.toolUse("t" + i, "echo", Json.read("{\"toolParameters\":{\"text\":\"again\"}}"))),
          StopReason.TOOL_USE, new Usage(10, 5, 0, 0, 0)));
    }
    AgentResult result = agent(ScriptedModel.canned(responses)).tools(ToolRegistry.of(new EchoTool()))
        .maxIterations(2).build().invoke(AgentRequest.of("loop", "s"));

    assertThat(result.stopReason()).isEqualTo(AgentStopReason.MAX_ITERATIONS);
    assertThat(response(records()).finishReason()).isEqualTo("max_iterations");
  }

  @Test
  void aFailedRunsResponseCarriesTheError() {
    Model failing = new Model() {
      @Override
      public String modelId() {
        return "failing";
      }

      @Override
      public ModelResponse converse(List<Message> messages, List<ToolSpec> specs,
          @Nullable String systemPrompt, ModelRequestOptions options) {
        throw new IllegalStateException("model unavailable");
      }
    };
    assertThatThrownBy(() -> agent(failing).build().invoke(AgentRequest.of("hi", "s")))
        .isInstanceOf(AgentInvocationException.class);

    FunctionalRecord response = response(records());
    assertThat(response.error()).isNotNull();
    assertThat(response.error().message()).contains("model unavailable");
    assertThat(response.finishReason()).isEqualTo("error");
  }
}
