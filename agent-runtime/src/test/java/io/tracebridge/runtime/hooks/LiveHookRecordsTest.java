package io.tracebridge.runtime.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.tools.CalculateTool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The live log-record contract of {@link TelemetryCaptureHook}, read back from the SDK. */
class LiveHookRecordsTest {
  private static final Set<String> HOOK_EVENTS =
      Set.of("agent_prompt", "model_request", "model_response", "tool_request", "tool_response", "agent_response");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
          .build();

  @AfterEach
  void close() {
    sdk.close();
  }

  private Agent agent(Tool... tools) {
    return Agent.builder()
        .model(new ScriptedModel())
        .tools(ToolRegistry.of(tools))
        .openTelemetry(sdk)
        .addHook(new TelemetryCaptureHook(sdk))
        .build();
  }

  @Test
  void everyHookEventIsAlsoALogRecordOfItsSpanWithTheSameTimestampAndAttributes() {
    agent(new CalculateTool()).invoke(new AgentRequest("What is 5*3?", "s-live", "a-1", List.of(new SessionContextHook(Map.of("bonus", "2")))));

    List<LogRecordData> records = logs.getFinishedLogRecordItems();
    List<Pair> events = new ArrayList<>();
    for (SpanData span : spans.getFinishedSpanItems()) {
      for (EventData e : span.getEvents()) {
        if (HOOK_EVENTS.contains(e.getName())) {
          events.add(new Pair(span, e));
        }
      }
    }
    assertThat(records).hasSize(events.size()).hasSize(8);
    for (Pair p : events) {
      LogRecordData record =
          records.stream()
              .filter(r -> r.getSpanContext().getSpanId().equals(p.span.getSpanId()))
              .filter(r -> p.event.getName().equals(r.getAttributes().get(AttributeKey.stringKey("event.name"))))
              .filter(r -> r.getTimestampEpochNanos() == p.event.getEpochNanos())
              .findFirst()
              .orElseThrow(() -> new AssertionError("no log record for " + p.event.getName() + " on " + p.span.getName()));
      assertThat(record.getSpanContext().getTraceId()).isEqualTo(p.span.getTraceId());
      assertThat(record.getInstrumentationScopeInfo().getName()).isEqualTo("io.tracebridge.runtime.hooks");
      assertThat(record.getBodyValue()).isNull();
      Map<AttributeKey<?>, Object> expected = new java.util.HashMap<>(p.event.getAttributes().asMap());
      expected.put(AttributeKey.stringKey("event.name"), p.event.getName());
      expected.put(AttributeKey.longKey("tracebridge.event.ordinal"), 0L);
      assertThat(record.getAttributes().asMap()).isEqualTo(expected);
      assertThat(record.getAttributes().asMap().keySet()).anyMatch(k -> k.getKey().equals("span.session.id"));
    }
  }

  @Test
  void theToolRequestRecordIsEmittedBeforeTheToolRuns() {
    List<String> order = new CopyOnWriteArrayList<>();
    Tool probe =
        new Tool() {
          @Override
          public ToolSpec spec() {
            return new ToolSpec("echo", "probe", Json.object().put("type", "object"));
          }

          @Override
          public ToolResult invoke(com.fasterxml.jackson.databind.JsonNode input) {
            order.add("records before the tool ran: " + names());
            return ToolResult.success("{\"echo\":\"x\"}");
          }
        };
    agent(probe).invoke(AgentRequest.of("echo x", "s"));
    assertThat(order).containsExactly("records before the tool ran: [agent_prompt, model_request, model_response, tool_request]");
  }

  @Test
  void theOrdinalCountsEventsOfTheSameNameWithinTheSpan() {
    io.opentelemetry.api.trace.Span span = sdk.getTracer("t").spanBuilder("s").startSpan();
    TelemetryCaptureHook hook = new TelemetryCaptureHook(sdk);
    io.tracebridge.runtime.agent.HookRegistry registry = new io.tracebridge.runtime.agent.HookRegistry().addHook(hook);
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      for (int i = 0; i < 3; i++) {
        registry.invoke(new io.tracebridge.runtime.agent.BeforeInvocationEvent("a", null, "s", "p" + i));
      }
    } finally {
      span.end();
    }
    assertThat(logs.getFinishedLogRecordItems())
        .extracting(r -> r.getAttributes().get(AttributeKey.longKey("tracebridge.event.ordinal")))
        .containsExactly(0L, 1L, 2L);
  }

  @Test
  void withoutOpenTelemetryTheHookEmitsNoRecords() {
    Agent.builder()
        .model(new ScriptedModel())
        .openTelemetry(sdk)
        .addHook(new TelemetryCaptureHook())
        .build()
        .invoke(AgentRequest.of("hi", "s"));
    assertThat(logs.getFinishedLogRecordItems()).isEmpty();
    assertThat(spans.getFinishedSpanItems().get(spans.getFinishedSpanItems().size() - 1).getEvents())
        .extracting(EventData::getName)
        .contains("agent_prompt", "agent_response");
    assertThat(Attributes.empty()).isNotNull();
  }

  private List<String> names() {
    return logs.getFinishedLogRecordItems().stream()
        .map(r -> r.getAttributes().get(AttributeKey.stringKey("event.name")))
        .toList();
  }

  private record Pair(SpanData span, EventData event) {}
}
