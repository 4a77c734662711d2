package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.web.MetricsRoute;
import io.tracebridge.web.Readiness;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * TraceBridge observing itself: one registry per process with the JVM binders and the receiver's
 * counters, served at {@code /metrics} (web port under {@code up}, health port on a receiver) under
 * the metrics key rule, and {@code /health/ready} answering from a real DescribeTable.
 */
class SelfObservabilityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void upServesOneRegistryWithJvmReceiverAndStoreMetrics() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral())) {
      String metricsUrl = "http://127.0.0.1:" + stack.webPort() + "/metrics";
      String series = "tracebridge_receiver_accepted_spans_total{transport=\"grpc\"}";
      double before = value(get(metricsUrl, null).body(), series);

      OtlpGrpcSpanExporter exporter =
          OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + stack.grpcPort()).build();
      try (SdkTracerProvider provider =
          SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
        provider.get("test").spanBuilder("execute_tool calculate")
            .setAttribute("gen_ai.operation.name", "execute_tool")
            .setAttribute("gen_ai.tool.name", "calculate")
            .setAttribute("session.id", "self-obs")
            .startSpan().end();
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }

      HttpResponse<String> scrape = get(metricsUrl, null);
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(value(scrape.body(), series)).isEqualTo(before + 1);
      assertThat(scrape.body())
          .contains("tracebridge_receiver_accepted_log_records_total{transport=\"http\"}")
          .contains("tracebridge_store_latency_seconds_bucket{")
          .contains("tracebridge_receiver_export_seconds_bucket{signal=\"traces\",transport=\"grpc\"")
          .contains("grpc_server_processing_duration_seconds");
      assertJvmMetrics(scrape.body());
    }
  }

  @Test
  void theReceiversHealthPortServesMetricsUnderTheKeyRule() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    try (lifecycle) {
      PrometheusMeterRegistry registry = SelfMetrics.create(lifecycle);
      Vertx vertx = Vertx.vertx();
      lifecycle.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
      int keyed = Roles.startHealthServer(vertx, "127.0.0.1", 0, Readiness.ALWAYS,
          MetricsRoute.handler(registry::scrape, "scraper-key", false), lifecycle);
      int closed = Roles.startHealthServer(vertx, "127.0.0.1", 0, Readiness.ALWAYS,
          MetricsRoute.handler(registry::scrape, null, false), lifecycle);

      assertThat(get("http://127.0.0.1:" + keyed + "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(get("http://127.0.0.1:" + keyed + "/metrics", "wrong-key").statusCode()).isEqualTo(401);
      HttpResponse<String> ok = get("http://127.0.0.1:" + keyed + "/metrics", "scraper-key");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertJvmMetrics(ok.body());
      // API keys and no metrics key: refused, as on the web node.
      assertThat(get("http://127.0.0.1:" + closed + "/metrics", null).statusCode()).isEqualTo(403);
      assertThat(get("http://127.0.0.1:" + keyed + "/health/ready", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void readyChecksTheTable() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    try (lifecycle) {
      Vertx vertx = Vertx.vertx();
      lifecycle.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
      AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
      lifecycle.add(dynamo::shutdown);
      DynamoDbClient up = dynamo.dynamoDbClient();
      up.createTable(b -> b.tableName("tbl")
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
          .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
          .billingMode("PAY_PER_REQUEST"));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort(); // closed again: nothing listens there
      }
      DynamoDbClient nowhere = lifecycle.add(DynamoDbClient.builder()
          .endpointOverride(URI.create("http://127.0.0.1:" + port))
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
          .build());

      int ready = health(vertx, StoreAccess.tableProbe(vertx, up, "tbl"), lifecycle);
      int missing = health(vertx, StoreAccess.tableProbe(vertx, up, "no-such-table"), lifecycle);
      int unreachable = health(vertx, StoreAccess.tableProbe(vertx, nowhere, "tbl"), lifecycle);

      assertThat(get("http://127.0.0.1:" + ready + "/health/ready", null).statusCode()).isEqualTo(200);
      HttpResponse<String> down = get("http://127.0.0.1:" + unreachable + "/health/ready", null);
      assertThat(down.statusCode()).isEqualTo(503);
      JsonNode body = JSON.readTree(down.body());
      assertThat(body.get("status").asText()).isEqualTo("DOWN");
      assertThat(body.get("problems").get(0).asText()).startsWith("DynamoDB table 'tbl' unreachable: ");
      HttpResponse<String> noTable = get("http://127.0.0.1:" + missing + "/health/ready", null);
      assertThat(noTable.statusCode()).isEqualTo(503);
      assertThat(noTable.body()).contains("DynamoDB table 'no-such-table'");
      // Liveness does not depend on the table.
      assertThat(get("http://127.0.0.1:" + unreachable + "/health/live", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void readyFollowsDynamoDbLocalStoppingAndAnswersFromCacheInBetween() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    try (lifecycle) {
      Vertx vertx = Vertx.vertx();
      lifecycle.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
      AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
      DynamoDbClient client = dynamo.dynamoDbClient();
      client.createTable(b -> b.tableName("tbl")
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
          .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
          .billingMode("PAY_PER_REQUEST"));
      // Every probe asks the table (no reuse) ...
      int fresh = health(vertx, StoreAccess.tableProbe(vertx, client, "tbl", Duration.ZERO), lifecycle);
      // ... or reuses an answer for far longer than this test runs.
      int cached = health(vertx, StoreAccess.tableProbe(vertx, client, "tbl", Duration.ofHours(1)), lifecycle);
      assertThat(get("http://127.0.0.1:" + fresh + "/health/ready", null).statusCode()).isEqualTo(200);
      assertThat(get("http://127.0.0.1:" + cached + "/health/ready", null).statusCode()).isEqualTo(200);

      dynamo.shutdown();

      HttpResponse<String> stopped = get("http://127.0.0.1:" + fresh + "/health/ready", null);
      assertThat(stopped.statusCode()).isEqualTo(503);
      assertThat(stopped.body()).contains("DynamoDB table 'tbl'");
      assertThat(get("http://127.0.0.1:" + cached + "/health/ready", null).statusCode()).isEqualTo(200);
    }
  }

  private static int health(Vertx vertx, Readiness readiness, Lifecycle lifecycle) {
    return Roles.startHealthServer(vertx, "127.0.0.1", 0, readiness,
        MetricsRoute.handler(() -> "", null, true), lifecycle);
  }

  private static void assertJvmMetrics(String scrape) {
    assertThat(scrape)
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_gc_")
        .contains("jvm_threads_live_threads ")
        .contains("jvm_classes_loaded_classes ")
        .contains("system_cpu_count ")
        .contains("process_uptime_seconds ");
  }

  private HttpResponse<String> get(String url, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
