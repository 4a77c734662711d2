package io.tracebridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.ScriptedModel;
import io.tracebridge.runtime.telemetry.TraceCapture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The nested {@code /invocations} reply's {@code output.traces}: the legacy objects of the
 * invocation's own spans, as the seed's {@code convert_spans_to_traces} returned them. Real HTTP on
 * loopback, a real SDK with the {@link TraceCapture} beside an in-memory exporter.
 */
class NestedInvocationTracesTest {
  private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final TraceCapture capture = new TraceCapture();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(exporter))
          .addSpanProcessor(capture)
          .build())
      .build();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private AgentRuntimeServer server;
  private int port;

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RuntimeConfig config = RuntimeConfig.builder().port(0).agentName("legacy-agent").build();
    server = AgentRuntimeServer.create(vertx, config, sdk, AgentRuntimeMain.demoTools(), new ScriptedModel())
        .withTraceCapture(capture);
    port = await(server.start());
  }

  @AfterEach
  void stop() throws Exception {
    await(server.close());
    await(vertx.close());
    sdk.close();
  }

  private JsonNode nested(String prompt) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"input\":{\"prompt\":\"" + prompt + "\",\"session_id\":\"legacy-1\"}}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.read(response.body());
  }

  @Test
  void tracesAreTheLegacyObjectsOfTheInvocationsSteps() throws Exception {
    JsonNode output = nested("What is 5*3?").path("output");
    String traceId = output.path("trace_id").asText();
    String xrayId = "1-" + traceId.substring(0, 8) + "-" + traceId.substring(8);

    List<String> types = new ArrayList<>();
    output.path("traces").forEach(t -> types.add(t.path("TraceType").asText()));
    assertThat(types).containsExactly("agent_prompt", "model_request", "reasoning",
        "model_response", "tool_request", "tool_response", "model_request", "model_response",
        "agent_response");
    assertThat(output.path("traces")).allSatisfy(t -> {
      assertThat(t.path("ID").asText()).isEqualTo(xrayId);
      JsonNode raw = Json.read(t.path("raw").asText());
      assertThat(raw.path("trace_id").asText()).isEqualTo(xrayId);
      assertThat(raw.path("span_name").asText()).isNotBlank();
      assertThat(raw.has("event_attributes")).isTrue();
    });
    JsonNode toolResponse = output.path("traces").get(5);
    assertThat(toolResponse.path("actionGroup").asText()).isEqualTo("calculate");
    assertThat(toolResponse.path("apiResponse").asText()).contains("15");
    assertThat(output.path("traces").get(8).path("llmResponse").asText()).startsWith("The result is 15.");

    // Each model call's tokens once; the answer's agent totals are not added again.
    long input = 0;
    long outputTokens = 0;
    for (SpanData chat : exporter.getFinishedSpanItems()) {
      if (chat.getName().equals("chat")) {
        input += chat.getAttributes().get(INPUT_TOKENS);
        outputTokens += chat.getAttributes().get(OUTPUT_TOKENS);
      }
    }
    long legacyInput = 0;
    long legacyOutput = 0;
    for (JsonNode t : output.path("traces")) {
      legacyInput += t.path("InputTokens").asLong();
      legacyOutput += t.path("OutputTokens").asLong();
    }
    assertThat(input).isPositive();
    assertThat(legacyInput).isEqualTo(input);
    assertThat(legacyOutput).isEqualTo(outputTokens);
    assertThat(output.path("traces").get(8).path("InputTokens").asLong()).isZero();
  }

  @Test
  void eachReplyHoldsOnlyItsOwnInvocation() throws Exception {
    JsonNode first = nested("What is 2+2?").path("output");
    JsonNode second = nested("What is 3+3?").path("output");

    assertThat(first.path("trace_id").asText()).isNotEqualTo(second.path("trace_id").asText());
    for (JsonNode output : List.of(first, second)) {
      String traceId = output.path("trace_id").asText();
      assertThat(output.path("traces")).isNotEmpty().allSatisfy(t ->
          assertThat(t.path("ID").asText()).endsWith(traceId.substring(8)));
    }
  }
}
