package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.web.WebConfig;
import io.tracebridge.web.WebSocketTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's own counters at {@code /metrics} after real traffic through the whole path
 * (OTel SDK → OTLP/gRPC → mapper → context filler → DynamoDB Local → live publisher → websocket):
 * the context filler's passes and the records it filled in when a child span came before its
 * agent, the record versions stored (the listener the wiring adds), and the websocket's
 * connections, subscriptions and frames.
 */
class PipelineMetricsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void fillerStoreAndWebsocketCountersFollowOneRunExportedChildFirst() throws Exception {
    EmbeddedStack.Options options = EmbeddedStack.Options.ephemeral().toBuilder()
        .webLimits(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)).build()).build();
    try (EmbeddedStack stack = EmbeddedStack.start(options)) {
      String metricsUrl = "http://127.0.0.1:" + stack.webPort() + "/metrics";
      String before = scrape(metricsUrl);

      OtlpGrpcSpanExporter exporter =
          OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + stack.grpcPort()).build();
      List<JsonNode> frames = new ArrayList<>();
      try (SdkTracerProvider provider =
              SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
          WebSocketTestClient ws = WebSocketTestClient.connect(
              stack.webBaseUrl().replace("http://", "ws://") + "/ws")) {
        Tracer tracer = provider.get("test");
        Span agent = tracer.spanBuilder("invoke_agent planner")
            .setAttribute("gen_ai.operation.name", "invoke_agent")
            .setAttribute("gen_ai.agent.name", "planner")
            .setAttribute("gen_ai.agent.id", "planner-id")
            .setAttribute("session.id", "pipeline-metrics")
            .startSpan();
        String traceId = agent.getSpanContext().getTraceId();
        ws.send("{\"op\":\"subscribe\",\"id\":\"t\",\"traceId\":\"" + traceId + "\"}");
        frames.addAll(ws.until(f -> f.path("type").asText().equals("synced"), WAIT));

        // The tool span ends, and is exported, before its agent: its records are stored without
        // the agent, then filled in when the agent's span arrives.
        Span tool = tracer.spanBuilder("execute_tool calculate").setParent(Context.current().with(agent))
            .setAttribute("gen_ai.operation.name", "execute_tool")
            .setAttribute("gen_ai.tool.name", "calculate")
            .startSpan();
        tool.end();
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        frames.addAll(ws.until(f -> f.path("type").asText().equals("record"), WAIT));
        agent.end();
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        frames.addAll(ws.until(f -> f.path("type").asText().equals("record")
            && f.path("record").path("spanId").asText().equals(tool.getSpanContext().getSpanId())
            && f.path("record").path("agentId").asText().equals("planner-id"), WAIT));
      }

      String after = scrape(metricsUrl);
      // One pass per export and trace; nothing else wrote the trace, so none ran again.
      assertThat(delta(before, after, "tracebridge_filler_passes_total")).isEqualTo(2);
      assertThat(delta(before, after, "tracebridge_filler_passes_repeated_total")).isZero();
      assertThat(delta(before, after, "tracebridge_filler_records_filled_total")).isGreaterThanOrEqualTo(1);
      double written = delta(before, after, "tracebridge_filler_records_written_total");
      assertThat(written).isGreaterThan(delta(before, after, "tracebridge_filler_records_filled_total"));
      assertThat(delta(before, after, "tracebridge_filler_records_removed_total")).isZero();
      // Every version the filler wrote was told to the store's listeners, counted once.
      assertThat(delta(before, after, "tracebridge_records_stored_total")).isEqualTo(written);
      // The store's own counters: each of those versions written once, no writer raced it.
      assertThat(delta(before, after, "tracebridge_store_records_written_total")).isEqualTo(written);
      assertThat(delta(before, after, "tracebridge_store_conditional_conflicts_total")).isZero();
      assertThat(delta(before, after, "tracebridge_store_lease_conflicts_total")).isZero();
      assertThat(value(after, "tracebridge_store_sdk_retries_total")).isGreaterThanOrEqualTo(0);

      assertThat(delta(before, after, "tracebridge_websocket_connections_total")).isEqualTo(1);
      assertThat(delta(before, after, "tracebridge_websocket_subscriptions_total")).isEqualTo(1);
      assertThat(delta(before, after, "tracebridge_websocket_frames_sent_total"))
          .isGreaterThanOrEqualTo(frames.size());
      assertThat(delta(before, after, "tracebridge_websocket_frames_dropped_total")).isZero();
    }
  }

  private String scrape(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static double delta(String before, String after, String series) {
    return value(after, series) - value(before, series);
  }

  private static double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + series + " in the scrape");
  }
}
