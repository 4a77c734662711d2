package io.tracebridge.receiver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.ContentLimits;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.IdentityLimits;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.Usage;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.RecordingTraceSink;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, items 4 and 5, end to end: real OTLP/HTTP requests to a receiver over DynamoDB Local
 * (embedded, in memory).
 *
 * <ul>
 *   <li>300 KB {@code session.id}, {@code gen_ai.agent.id}, {@code gen_ai.tool.name}, tool call id
 *       and {@code gen_ai.request.model} (beside 300 KB of tool arguments): the request is answered
 *       200 with nothing rejected, every span's records are stored with the values cut and marked
 *       with their original size, and the call is billed (the usage aggregates' keys hold agent,
 *       session and model). Before the fix DynamoDB refused the items ("Item size has exceeded the
 *       maximum allowed size") after part of the request was written.
 *   <li>a first model call whose input is 5,000 messages: stored with its latest messages, marked
 *       (before, the same "Item size has exceeded" refusal: the messages' structure is outside
 *       the content budget);
 *   <li>{@code gen_ai.usage.input_tokens = Long.MAX_VALUE} on one span and {@code
 *       gen_ai.usage.output_tokens = -5} on another: both are refused in the partial-success reply
 *       with a reason naming the attribute, and the two good spans of the same request are stored
 *       and billed exactly.
 * </ul>
 */
class BadIdentityAndUsageIT {
  private static final long START = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z
  private static final LocalDate DAY = LocalDate.of(2026, 1, 1);
  private static final int HUGE = 300 * 1024;
  private static final String TENANT = "bad-input-" + UUID.randomUUID();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static AmazonDynamoDBLocal dynamo;
  private static DynamoDbTraceStore store;
  private static Vertx vertx;
  private static int httpPort;

  @BeforeAll
  static void start() throws Exception {
    dynamo = DynamoDBEmbedded.create(true); // in memory, telemetry off
    store = DynamoDbTraceStore.create(dynamo.dynamoDbClient(),
        DynamoDbStoreConfig.builder().tableName("receiver-bad-input").build());
    TraceContextFiller filler = new TraceContextFiller(store);
    SpanMapper mapper = new SpanMapper();
    TenantAuthenticator oneTenant = authorization -> TENANT;
    ReceiverConfig config = ReceiverConfig.builder().grpcPort(0).httpPort(0).build();
    OtlpIngest ingest = new OtlpIngest(new TraceExportHandler(mapper, filler),
        new LogsExportHandler(mapper, filler), oneTenant, config);
    vertx = Vertx.vertx();
    OtlpHttpVerticle http = new OtlpHttpVerticle(config, ingest);
    vertx.deployVerticle(http).await(10, TimeUnit.SECONDS);
    httpPort = http.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    store.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    dynamo.shutdown();
  }

  @Test
  void oversizedIdentityValuesAreStoredCutAndMarkedAndTheRequestWhole() throws Exception {
    String traceId = "1d000000000000000000000000000a11";
    String session = "s".repeat(HUGE);
    String agent = "a".repeat(HUGE);
    String tool = "t".repeat(HUGE);
    String callId = "c".repeat(HUGE);
    String model = "m".repeat(HUGE);
    Span agentSpan = span(traceId, "00000000000000a1", null, "invoke_agent planner")
        .addAttributes(kv("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(kv("gen_ai.agent.id", agent))
        .addAttributes(kv("gen_ai.agent.name", "planner"))
        .addEvents(Span.Event.newBuilder().setName("agent_prompt").setTimeUnixNano(START + 1)
            .addAttributes(kv("agent.prompt", "plan my trip")))
        .build();
    Span chatSpan = span(traceId, "00000000000000a2", "00000000000000a1", "chat")
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.request.model", model))
        .addAttributes(kv("gen_ai.usage.input_tokens", 120))
        .addAttributes(kv("gen_ai.usage.output_tokens", 12))
        .addAttributes(kv("gen_ai.output.messages",
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"ok\"}]}]"))
        .build();
    Span toolSpan = span(traceId, "00000000000000a3", "00000000000000a1", "execute_tool")
        .addAttributes(kv("gen_ai.operation.name", "execute_tool"))
        .addAttributes(kv("gen_ai.tool.name", tool))
        .addAttributes(kv("gen_ai.tool.call.id", callId))
        .addAttributes(kv("gen_ai.tool.call.arguments", "{\"q\":\"" + "x".repeat(HUGE) + "\"}"))
        .addAttributes(kv("gen_ai.tool.call.result", "done"))
        .build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(kv("session.id", session)))
            .addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(agentSpan).addSpans(chatSpan).addSpans(toolSpan)))
        .build();

    ExportTraceServiceResponse response = export(request);

    assertThat(response.hasPartialSuccess()).as(response.toString()).isFalse();
    List<FunctionalRecord> stored = stored(traceId);
    assertThat(stored).extracting(FunctionalRecord::spanId).containsOnly(
        "00000000000000a1", "00000000000000a2", "00000000000000a3");
    assertThat(stored).extracting(FunctionalRecord::type).contains(RecordType.PROMPT,
        RecordType.MODEL_RESPONSE, RecordType.TOOL_REQUEST, RecordType.TOOL_RESPONSE);
    assertThat(stored).allSatisfy(r -> {
      assertThat(r.sessionId()).isEqualTo(IdentityLimits.cut(session)).hasSize(256);
      assertThat(r.agentId()).isEqualTo(IdentityLimits.cut(agent));
      assertThat(r.truncated()).isTrue();
      assertThat(r.truncatedFields()).containsEntry("sessionId", (long) HUGE);
    });
    assertThat(stored).filteredOn(r -> r.spanId().equals("00000000000000a2")).isNotEmpty()
        .allSatisfy(r -> {
          assertThat(r.model()).isEqualTo(IdentityLimits.cut(model));
          assertThat(r.truncatedFields()).containsEntry("model", (long) HUGE);
        });
    assertThat(stored).filteredOn(r -> r.tool() != null).hasSize(2).allSatisfy(r -> {
      assertThat(r.tool().name()).isEqualTo(IdentityLimits.cut(tool));
      assertThat(r.tool().callId()).isEqualTo(IdentityLimits.cut(callId));
      assertThat(r.truncatedFields())
          .containsEntry("tool.name", (long) HUGE).containsEntry("tool.callId", (long) HUGE);
    });
    assertThat(stored).filteredOn(r -> r.type() == RecordType.TOOL_REQUEST).singleElement()
        .satisfies(r -> assertThat(r.originalSize()).isGreaterThan(ContentLimits.MAX_CONTENT_BYTES));
    assertThat(billed(traceId)).isEqualTo(Usage.of(120, 12));
  }

  @Test
  void aFirstCallWithThousandsOfInputMessagesIsStoredWithItsLatestMessages() throws Exception {
    String traceId = "1d000000000000000000000000000a12";
    StringBuilder input = new StringBuilder("[");
    for (int i = 0; i < 5000; i++) {
      input.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
          + "\"content\":\"turn ").append(i).append(' ').append("y".repeat(60)).append("\"}]}");
    }
    Span chatSpan = span(traceId, "00000000000000a4", null, "chat")
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.request.model", "m1"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 90000))
        .addAttributes(kv("gen_ai.usage.output_tokens", 9))
        .addAttributes(kv("gen_ai.input.messages", input.append(']').toString()))
        .build();

    ExportTraceServiceResponse response = export(ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(chatSpan)))
        .build());

    assertThat(response.hasPartialSuccess()).as(response.toString()).isFalse();
    FunctionalRecord request = stored(traceId).stream()
        .filter(r -> r.type() == RecordType.MODEL_REQUEST).findFirst().orElseThrow();
    assertThat(request.messages()).hasSizeBetween(100, 4999);
    assertThat(request.messages().get(request.messages().size() - 1).parts().get(0).content())
        .startsWith("turn 4999 ");
    assertThat(request.truncatedFields()).containsKey("messages");
    assertThat(billed(traceId)).isEqualTo(Usage.of(90000, 9));
  }

  @Test
  void outOfRangeTokenCountsRefuseTheirSpansAndTheRestIsStoredAndBilledExactly() throws Exception {
    String traceId = "0badc0de0000000000000000000000b1";
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(chat(traceId, "00000000000000b1", 100, 10))
            .addSpans(chat(traceId, "00000000000000b2", Long.MAX_VALUE, 10))
            .addSpans(chat(traceId, "00000000000000b3", 100, -5))
            .addSpans(chat(traceId, "00000000000000b4", 200, 20))))
        .build();

    ExportTraceServiceResponse response = export(request);

    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .contains("00000000000000b2: span rejected: token count 'gen_ai.usage.input_tokens' is "
            + Long.MAX_VALUE)
        .contains("00000000000000b3: span rejected: token count 'gen_ai.usage.output_tokens' is "
            + "negative (-5)");
    List<FunctionalRecord> stored = stored(traceId);
    Set<String> storedSpans =
        stored.stream().map(FunctionalRecord::spanId).collect(Collectors.toSet());
    assertThat(storedSpans).containsExactlyInAnyOrder("00000000000000b1", "00000000000000b4");
    assertThat(TraceUsage.total(stored)).isEqualTo(Usage.of(300, 30));
    assertThat(billed(traceId)).isEqualTo(Usage.of(300, 30));
  }

  private static Span chat(String traceId, String spanId, long input, long output) {
    return span(traceId, spanId, null, "chat")
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.request.model", "m1"))
        .addAttributes(kv("gen_ai.usage.input_tokens", input))
        .addAttributes(kv("gen_ai.usage.output_tokens", output))
        .build();
  }

  private static Span.Builder span(String traceId, String spanId, String parent, String name) {
    Span.Builder span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceId)))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId)))
        .setName(name)
        .setStartTimeUnixNano(START)
        .setEndTimeUnixNano(START + 1_000_000);
    if (parent != null) {
      span.setParentSpanId(ByteString.copyFrom(HexFormat.of().parseHex(parent)));
    }
    return span;
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue kv(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  /** POSTs {@code request} as OTLP/HTTP protobuf; asserts 200 and returns the reply. */
  private static ExportTraceServiceResponse export(ExportTraceServiceRequest request)
      throws Exception {
    HttpResponse<byte[]> response = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/traces"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
    return ExportTraceServiceResponse.parseFrom(response.body());
  }

  private static List<FunctionalRecord> stored(String traceId) throws Exception {
    return store.findByTrace(TENANT, traceId).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The trace's write-time usage aggregates (billing), summed over models. */
  private static Usage billed(String traceId) throws Exception {
    List<UsageCell> cells = store.usage(TENANT, UsageKind.TRACE, DAY, DAY)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    return cells.stream().filter(c -> c.value().equals(traceId)).map(UsageCell::usage)
        .reduce(Usage.ZERO, Usage::plus);
  }
}
