package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.web.WebSocketTestClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole product in one JVM on free ports: DynamoDB Local, the OTLP/gRPC receiver, the web
 * node and the agent runtime exporting its spans with the OpenTelemetry SDK's OTLP exporter.
 */
class EndToEndIT {
  private static final ObjectMapper JSON = RecordJson.mapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PROMPT = "Calculate 20+22 and add the bonus number from session attributes";
  private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

  private static EmbeddedStack stack;
  /** A copy of every span the runtime exports, to compare with and to export again. */
  private static final SpanWitness WITNESS = new SpanWitness();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral()
        .withExtraSpanProcessors(List.of(WITNESS.processor())));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void anAgentRunArrivesLiveOnTheWebsocketAndReadsTheSameOverRestInBothViews() throws Exception {
    String session = "e2e-" + UUID.randomUUID();
    List<FunctionalRecord> live;
    String traceId;
    JsonNode reply;
    try (WebSocketTestClient ws = WebSocketTestClient.connect(wsUrl())) {
      // Subscribe before the agent runs: everything must arrive live.
      ws.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\"}");
      // A heartbeat (one per connection, at any time) may come between these.
      List<JsonNode> opening = ws.until(f -> f.path("type").asText().equals("synced"), WAIT);
      assertThat(opening).extracting(f -> f.path("type").asText()).filteredOn(t -> !t.equals("heartbeat"))
          .containsExactly("subscribed", "synced");
      JsonNode synced = opening.get(opening.size() - 1);
      assertThat(synced.path("stored").asInt()).isZero();

      reply = invoke(session, "100");
      traceId = reply.path("output").path("trace_id").asText();

      // Each step arrives live first from its hook-event log record, then again, completed, from
      // its span. Read until the websocket has delivered every stored record in its final version.
      Map<String, FunctionalRecord> complete = byId(records(Records.awaitTrace(http, stack, WITNESS, traceId, WAIT)));
      Map<String, FunctionalRecord> latest = new HashMap<>();
      Instant deadline = Instant.now().plus(WAIT);
      while (!latest.equals(complete)) {
        JsonNode frame = ws.next(Duration.between(Instant.now(), deadline));
        if ("record".equals(frame.path("type").asText())) {
          FunctionalRecord record = JSON.convertValue(frame.path("record"), FunctionalRecord.class);
          assertThat(latest.put(record.recordId(), record))
              .as("a version already delivered is not delivered again").isNotEqualTo(record);
        }
      }
      live = List.copyOf(latest.values());
    }
    assertThat(reply.path("success").asBoolean()).isTrue();
    assertThat(reply.path("output").path("message").asText()).contains("142");

    // What the websocket delivered: one run, every step, nothing twice.
    assertThat(live).allSatisfy(r -> {
      assertThat(r.traceId()).isEqualTo(traceId);
      assertThat(r.sessionId()).isEqualTo(session);
    });
    Map<RecordType, List<FunctionalRecord>> byType =
        live.stream().collect(Collectors.groupingBy(FunctionalRecord::type));
    assertThat(byType.get(RecordType.PROMPT)).singleElement()
        .extracting(FunctionalRecord::text).isEqualTo(PROMPT);
    assertThat(byType.get(RecordType.MODEL_REQUEST)).hasSize(2);
    assertThat(byType.get(RecordType.MODEL_RESPONSE)).hasSize(2)
        .allSatisfy(r -> assertThat(r.usage()).isNotNull());
    FunctionalRecord toolRequest = byType.get(RecordType.TOOL_REQUEST).get(0);
    assertThat(toolRequest.tool().name()).isEqualTo("calculate");
    JsonNode toolInput = JSON.readTree(toolRequest.tool().input());
    assertThat(toolInput.path("toolParameters").path("operand1").asDouble()).isEqualTo(20);
    assertThat(toolInput.path("toolParameters").path("operand2").asDouble()).isEqualTo(22);
    assertThat(toolRequest.tool().input()).doesNotContain("sessionAttributes");
    FunctionalRecord toolResponse = byType.get(RecordType.TOOL_RESPONSE).get(0);
    // 20 + 22 + the bonus only the tool saw.
    assertThat(JSON.readTree(toolResponse.tool().output()).path("result").asDouble()).isEqualTo(142);
    assertThat(byType.get(RecordType.RESPONSE)).singleElement()
        .extracting(FunctionalRecord::text).asString().contains("142");

    // Tokens: the records' per-call usage equals what the runtime put on its chat spans.
    List<SpanData> chats = spansOf(traceId).stream().filter(s -> s.getName().equals("chat")).toList();
    assertThat(chats).hasSize(2);
    long spanInput = chats.stream().mapToLong(s -> s.getAttributes().get(INPUT_TOKENS)).sum();
    long spanOutput = chats.stream().mapToLong(s -> s.getAttributes().get(OUTPUT_TOKENS)).sum();
    long recordInput = byType.get(RecordType.MODEL_RESPONSE).stream().mapToLong(r -> r.usage().inputTokens()).sum();
    long recordOutput = byType.get(RecordType.MODEL_RESPONSE).stream().mapToLong(r -> r.usage().outputTokens()).sum();
    assertThat(recordInput).isEqualTo(spanInput).isPositive();
    assertThat(recordOutput).isEqualTo(spanOutput).isPositive();

    // REST, records view: the same records, in timeline order, with the same totals; both id forms.
    JsonNode trace = getJson("/api/traces/" + traceId);
    JsonNode sameByXray = getJson("/api/traces/" + TraceIds.toXray(traceId));
    assertThat(sameByXray).isEqualTo(trace);
    List<FunctionalRecord> stored = records(trace);
    assertThat(byId(stored)).isEqualTo(byId(live));
    assertThat(stored).isSortedAccordingTo(FunctionalRecord.TIMELINE);
    assertThat(stored.get(0).type()).isEqualTo(RecordType.PROMPT);
    assertThat(stored.get(stored.size() - 1).type()).isEqualTo(RecordType.RESPONSE);
    assertThat(trace.path("usage").path("inputTokens").asLong()).isEqualTo(spanInput);
    assertThat(trace.path("usage").path("outputTokens").asLong()).isEqualTo(spanOutput);

    // REST, legacy view: one Bedrock-Agents-shaped trace per record, agreeing field by field.
    JsonNode legacy = getJson("/api/traces/" + traceId + "?view=legacy");
    assertThat(legacy.isArray()).isTrue();
    assertThat(legacy.size()).isEqualTo(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      FunctionalRecord record = stored.get(i);
      JsonNode old = legacy.get(i);
      assertThat(old.path("ID").asText()).isEqualTo(TraceIds.toXray(traceId));
      // raw keeps the seed's shape: the event, the span it was on, the trace.
      JsonNode raw = JSON.readTree(old.path("raw").asText());
      assertThat(raw.path("span_id").asText()).isEqualTo(record.spanId());
      assertThat(raw.path("trace_id").asText()).isEqualTo(record.xrayTraceId());
      assertThat(raw.path("event_name").asText()).isNotEmpty();
      switch (record.type()) {
        case PROMPT -> {
          assertThat(old.path("TraceType").asText()).isEqualTo("agent_prompt");
          assertThat(old.path("llmQuery").asText()).isEqualTo(PROMPT);
        }
        case TOOL_REQUEST -> {
          assertThat(old.path("TraceType").asText()).isEqualTo("tool_request");
          assertThat(old.path("actionGroup").asText()).isEqualTo("calculate");
          assertThat(old.path("apiPath").asText()).isEqualTo("calculate");
          assertThat(old.path("apiBody").asText()).isEqualTo(record.tool().input());
        }
        case TOOL_RESPONSE -> assertThat(old.path("apiResponse").asText()).isEqualTo(record.tool().output());
        case MODEL_RESPONSE -> {
          assertThat(old.path("InputTokens").asLong()).isEqualTo(record.usage().inputTokens());
          assertThat(old.path("OutputTokens").asLong()).isEqualTo(record.usage().outputTokens());
        }
        case RESPONSE -> assertThat(old.path("llmResponse").asText()).startsWith(record.text());
        default -> { }
      }
    }
  }

  @Test
  void exportingTheSameSpansAgainLeavesRecordsAndTokenTotalsUnchanged() throws Exception {
    String session = "e2e-" + UUID.randomUUID();
    String traceId = invoke(session, "7").path("output").path("trace_id").asText();
    JsonNode first = Records.awaitTrace(http, stack, WITNESS, traceId, WAIT);

    List<SpanData> spans = spansOf(traceId);
    assertThat(spans).extracting(SpanData::getName).contains("chat", "execute_tool calculate");
    OtlpGrpcSpanExporter again = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + stack.grpcPort()).build();
    try {
      for (int round = 0; round < 2; round++) {
        assertThat(again.export(spans).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }
    } finally {
      again.shutdown().join(10, TimeUnit.SECONDS);
    }

    JsonNode afterwards = getJson("/api/traces/" + traceId);
    assertThat(afterwards.path("records")).isEqualTo(first.path("records"));
    assertThat(afterwards.path("usage")).isEqualTo(first.path("usage"));
    assertThat(afterwards.path("usage").path("inputTokens").asLong()).isPositive();
  }

  private JsonNode invoke(String session, String bonus) throws IOException, InterruptedException {
    ObjectNode input = JSON.createObjectNode();
    input.put("prompt", PROMPT);
    input.put("session_id", session);
    input.putObject("session_attributes").put("bonus", bonus);
    ObjectNode payload = JSON.createObjectNode();
    payload.set("input", input);
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(stack.runtimeBaseUrl() + "/invocations"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(payload.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<SpanData> spansOf(String traceId) {
    return WITNESS.spansOf(traceId);
  }

  private static List<FunctionalRecord> records(JsonNode trace) {
    return Records.records(trace);
  }

  private static Map<String, FunctionalRecord> byId(List<FunctionalRecord> records) {
    return records.stream().collect(Collectors.toMap(FunctionalRecord::recordId, Function.identity()));
  }

  private JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(stack.webBaseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String wsUrl() {
    return stack.webBaseUrl().replace("http://", "ws://") + "/ws";
  }
}
