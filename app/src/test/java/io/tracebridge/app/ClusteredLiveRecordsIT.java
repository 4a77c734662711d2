package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.tracebridge.web.LiveRecordBus;
import io.tracebridge.web.WebConfig;
import io.tracebridge.web.WebMetrics;
import io.tracebridge.web.WebSocketTestClient;
import io.tracebridge.web.WebVerticle;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of the production topology in one JVM: a receiver node and a web node, each its own
 * Hazelcast member and clustered Vert.x, each with its own store over one DynamoDB Local table.
 * Spans exported by the OpenTelemetry SDK to the receiver node reach a websocket client of the web
 * node live, over the clustered event bus. The web node's heartbeat (its catch-up from the store)
 * is set to an hour, so after {@code synced} nothing but the cluster can deliver a record.
 * (The multi-process version, with SIGKILLs, is the dist module's TopologyIT.)
 */
class ClusteredLiveRecordsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AttributeKey<String> SESSION = AttributeKey.stringKey("session.id");

  private final Lifecycle lifecycle = new Lifecycle();

  @AfterEach
  void stop() {
    lifecycle.close();
  }

  @Test
  void recordsStoredByTheReceiverNodeReachTheWebNodesWebsocketLive() throws Exception {
    AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
    lifecycle.add(dynamo::shutdown);
    // A table of its own: its name is the cluster's, so no other test's nodes can join.
    String table = "cluster-it-" + UUID.randomUUID().toString().substring(0, 8);
    DynamoDbStoreConfig storeConfig = DynamoDbStoreConfig.builder().tableName(table).build();
    int receiverMemberPort = freePort();

    // The receiver node: its own cluster member, store and OTLP receivers.
    Vertx receiverVertx = Lifecycle.await(ClusteredVertx.start(
        table, "127.0.0.1", "127.0.0.1", receiverMemberPort, List.of("127.0.0.1:" + receiverMemberPort)), "member 1");
    lifecycle.add(() -> receiverVertx.close().await(10, TimeUnit.SECONDS));
    DynamoDbTraceStore receiverStore = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), storeConfig);
    lifecycle.add(() -> receiverStore.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS));
    receiverStore.addListener(new LiveRecordBus(receiverVertx.eventBus()));
    ReceiverNode receiver = ReceiverNode.start(receiverVertx, receiverStore, receiverStore,
        ReceiverConfig.builder().grpcPort(0).httpPort(0).build(),
        TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT), List.of(), lifecycle);

    // The web node: another member, found through the first one's address.
    Vertx webVertx = Lifecycle.await(ClusteredVertx.start(
        table, "127.0.0.1", "127.0.0.1", freePort(), List.of("127.0.0.1:" + receiverMemberPort)), "member 2");
    lifecycle.add(() -> webVertx.close().await(10, TimeUnit.SECONDS));
    DynamoDbTraceStore webStore = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), storeConfig);
    lifecycle.add(() -> webStore.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS));
    WebVerticle web = new WebVerticle(
        WebConfig.builder().port(0).heartbeatInterval(Duration.ofHours(1)).build(), webStore, new WebMetrics());
    Lifecycle.await(webVertx.deployVerticle(web), "the web node");

    String session = "cluster-" + UUID.randomUUID();
    try (WebSocketTestClient ws = WebSocketTestClient.connect("ws://127.0.0.1:" + web.actualPort() + "/ws")) {
      ws.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\"}");
      assertThat(ws.next(WAIT).path("type").asText()).isEqualTo("subscribed");
      assertThat(ws.next(WAIT).path("type").asText()).isEqualTo("synced");

      exportOneAgentRun(receiver.grpcPort(), session);

      // Everything the receiver node stored for the session, as the web node's store reads it.
      List<FunctionalRecord> stored = webStore.findBySession(ReceiverConfig.DEFAULT_TENANT, session)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(stored).isNotEmpty();
      Set<String> storedIds = stored.stream().map(FunctionalRecord::recordId).collect(Collectors.toSet());
      List<JsonNode> live = new ArrayList<>();
      Set<String> liveIds = new java.util.HashSet<>();
      while (!liveIds.containsAll(storedIds)) {
        JsonNode frame = ws.next(WAIT);
        assertThat(frame).as("a live frame within %s (the heartbeat is an hour away)", WAIT).isNotNull();
        if (frame.path("type").asText().equals("record")) {
          live.add(frame);
          liveIds.add(frame.path("record").path("recordId").asText());
        }
      }
      assertThat(liveIds).isEqualTo(storedIds);
      long input = 0;
      for (JsonNode f : live) {
        assertThat(f.path("record").path("sessionId").asText()).isEqualTo(session);
        input += f.path("record").path("usage").path("inputTokens").asLong(0);
      }
      // Each frame is a version: the model call's usage arrives at least once.
      assertThat(input).isGreaterThanOrEqualTo(11);
    }
  }

  /** One agent run, shaped as Strands' hook events, exported by the SDK's OTLP/gRPC exporter. */
  private static void exportOneAgentRun(int grpcPort, String session) {
    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + grpcPort).build();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      Tracer tracer = provider.get("cluster-it");
      Span agent = tracer.spanBuilder("invoke_agent clusterbot")
          .setAttribute("gen_ai.operation.name", "invoke_agent")
          .setAttribute("gen_ai.agent.name", "clusterbot")
          .setAttribute(SESSION, session)
          .startSpan();
      try (Scope ignored = agent.makeCurrent()) {
        agent.addEvent("agent_prompt", Attributes.of(AttributeKey.stringKey("agent.prompt"), "What is 2+2?"));
        Span chat = tracer.spanBuilder("chat")
            .setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.request.model", "scripted")
            .setAttribute("gen_ai.usage.input_tokens", 11L)
            .setAttribute("gen_ai.usage.output_tokens", 3L)
            .setAttribute(SESSION, session)
            .startSpan();
        chat.addEvent("model_request", Attributes.of(AttributeKey.stringKey("model.prompt"), "What is 2+2?"));
        chat.addEvent("model_response", Attributes.of(AttributeKey.stringKey("model.response"), "4"));
        chat.end();
        agent.addEvent("agent_response", Attributes.of(AttributeKey.stringKey("agent.response"), "4"));
      } finally {
        agent.end();
      }
      provider.forceFlush().join(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
