package io.tracebridge.receiver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.LocalDate;
import java.time.ZoneOffset;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.RecordingTraceSink;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.receiver.grpc.OtlpGrpcReceiver;
import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's "Done when": the same Strands trace sent over gRPC and over HTTP JSON, twice each, one
 * span per request in shuffled order with the root last, gives the same stored records and the
 * same usage as one clean export, in DynamoDB Local (embedded, in memory).
 */
class OtlpDedupeIT {
  /** A real Strands capture (default mode: reasoning, a tool call, an answer), from span-mapper. */
  private static final Path FIXTURE = Path.of("..", "span-mapper", "src", "test", "resources",
      "testdata", "strands", "default_mode_reasoning_tool_call_answer", "input.otlp.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CLEAN_KEY = "clean";
  private static final String SHUFFLED_KEY = "shuffled";
  private static final String CLEAN_TENANT = "clean-" + UUID.randomUUID();
  private static final String SHUFFLED_TENANT = "shuffled-" + UUID.randomUUID();

  private static AmazonDynamoDBLocal dynamo;
  private static DynamoDbTraceStore store;
  private static TraceContextFiller filler;
  private static OtlpGrpcReceiver grpc;
  private static Vertx vertx;
  private static int httpPort;
  private static ManagedChannel channel;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    dynamo = DynamoDBEmbedded.create(true); // in memory, telemetry off
    store = DynamoDbTraceStore.create(dynamo.dynamoDbClient(),
        DynamoDbStoreConfig.builder().tableName("receiver-dedupe").build());
    filler = new TraceContextFiller(store);
    SpanMapper mapper = new SpanMapper();
    TenantAuthenticator keys = authorization -> {
      if (("Bearer " + CLEAN_KEY).equals(authorization)) {
        return CLEAN_TENANT;
      }
      if (("Bearer " + SHUFFLED_KEY).equals(authorization)) {
        return SHUFFLED_TENANT;
      }
      throw new AuthenticationException("unknown API key");
    };
    ReceiverConfig config = ReceiverConfig.builder().grpcPort(0).httpPort(0).build();
    OtlpIngest ingest = new OtlpIngest(new TraceExportHandler(mapper, filler),
        new LogsExportHandler(mapper, filler), keys, config);
    grpc = OtlpGrpcReceiver.start(config, ingest);
    vertx = Vertx.vertx();
    OtlpHttpVerticle http = new OtlpHttpVerticle(config, ingest);
    vertx.deployVerticle(http).await(10, TimeUnit.SECONDS);
    httpPort = http.actualPort();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (grpc != null) {
      grpc.close();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (store != null) {
      store.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (dynamo != null) {
      dynamo.shutdown();
    }
  }

  @Test
  void duplicatedShuffledExportsOverBothTransportsEqualOneCleanExport() throws Exception {
    JsonNode fixture = JSON.readTree(Files.readAllBytes(FIXTURE));
    String traceId = fixture.at("/resourceSpans/0/scopeSpans/0/spans/0/traceId").asText();
    List<ObjectNode> perSpan = onePerSpan(fixture);
    assertThat(perSpan).hasSizeGreaterThan(3);

    // One clean export: the whole trace in one gRPC request.
    exportGrpc(CLEAN_KEY, parse(JSON.writeValueAsBytes(fixture)));

    // Twice over gRPC and twice over HTTP JSON, one span per request, shuffled, root last.
    Random random = new Random(4);
    for (int round = 0; round < 2; round++) {
      for (ObjectNode request : childrenFirst(perSpan, random)) {
        exportGrpc(SHUFFLED_KEY, parse(JSON.writeValueAsBytes(request)));
      }
      for (ObjectNode request : childrenFirst(perSpan, random)) {
        HttpResponse<String> response = HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/traces"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + SHUFFLED_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{}");
      }
    }

    List<FunctionalRecord> clean = stored(CLEAN_TENANT, traceId);
    List<FunctionalRecord> shuffled = stored(SHUFFLED_TENANT, traceId);
    assertThat(clean).as("the mapper reads this fixture").hasSizeGreaterThan(3);
    assertThat(shuffled).containsExactlyElementsOf(clean);
    assertThat(TraceUsage.total(shuffled)).isEqualTo(TraceUsage.total(clean));
    // Billing's write-time aggregates agree too: each model call counted once, whatever came twice.
    LocalDate day = clean.get(0).timestamp().atZone(ZoneOffset.UTC).toLocalDate();
    List<UsageCell> cleanUsage = billed(CLEAN_TENANT, traceId, day);
    assertThat(cleanUsage).isNotEmpty();
    assertThat(cleanUsage.stream().map(UsageCell::usage).reduce(Usage.ZERO, Usage::plus))
        .isEqualTo(TraceUsage.total(clean));
    assertThat(billed(SHUFFLED_TENANT, traceId, day)).isEqualTo(cleanUsage);
    // The fill-in at work: children stored before their root got the root's agent name.
    assertThat(shuffled).allSatisfy(r -> {
      assertThat(r.sessionId()).isNotNull();
      assertThat(r.agentName()).isNotNull();
    });
    assertThat(filler.rewritten()).isPositive();
  }

  /** The write-time usage aggregates of one trace, around the day it ran. */
  private static List<UsageCell> billed(String tenant, String traceId, LocalDate day) throws Exception {
    return store.usage(tenant, UsageKind.TRACE, day.minusDays(1), day.plusDays(1))
        .toCompletableFuture().get(30, TimeUnit.SECONDS)
        .stream().filter(c -> c.value().equals(traceId)).toList();
  }

  /** Records of a trace with the tenant blanked, so the two tenants compare. */
  private static List<FunctionalRecord> stored(String tenant, String traceId) throws Exception {
    return store.findByTrace(tenant, traceId).toCompletableFuture().get(30, TimeUnit.SECONDS)
        .stream().map(r -> r.toBuilder().tenant("t").build()).toList();
  }

  private static void exportGrpc(String key, ExportTraceServiceRequest request) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + key);
    ExportTraceServiceResponse response = TraceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .export(request);
    assertThat(response.hasPartialSuccess()).as(response.toString()).isFalse();
  }

  private static ExportTraceServiceRequest parse(byte[] otlpJson) {
    return OtlpJsonCodec.parseTraces(otlpJson);
  }

  /** One OTLP/JSON request per span, each with its span's resource and scope. */
  private static List<ObjectNode> onePerSpan(JsonNode request) {
    List<ObjectNode> requests = new ArrayList<>();
    for (JsonNode resourceSpans : request.get("resourceSpans")) {
      for (JsonNode scopeSpans : resourceSpans.get("scopeSpans")) {
        for (JsonNode span : scopeSpans.get("spans")) {
          ObjectNode scope = scopeSpans.deepCopy();
          scope.putArray("spans").add(span.deepCopy());
          ObjectNode resource = resourceSpans.deepCopy();
          resource.putArray("scopeSpans").add(scope);
          ObjectNode one = JSON.createObjectNode();
          one.putArray("resourceSpans").add(resource);
          requests.add(one);
        }
      }
    }
    return requests;
  }

  /** The requests shuffled, with the root span's (no parent) moved last. */
  private static List<ObjectNode> childrenFirst(List<ObjectNode> perSpan, Random random) {
    List<ObjectNode> children = new ArrayList<>();
    List<ObjectNode> roots = new ArrayList<>();
    for (ObjectNode request : perSpan) {
      String parent = request.at("/resourceSpans/0/scopeSpans/0/spans/0/parentSpanId").asText("");
      (parent.isEmpty() ? roots : children).add(request);
    }
    Collections.shuffle(children, random);
    children.addAll(roots);
    return children;
  }
}
