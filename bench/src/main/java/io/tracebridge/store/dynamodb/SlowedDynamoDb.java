package io.tracebridge.store.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A DynamoDB that is slower than the load: DynamoDB Local run as a server on loopback behind
 * trace-api's {@link FaultInjectingDynamoDbProxy} (its test-jar), which holds every data-plane
 * request for {@code delay} before forwarding it. Lives in the proxy's package because the proxy
 * is package-private test code; the bench is its only user outside trace-api's tests.
 */
public final class SlowedDynamoDb implements AutoCloseable {
  /** The operations the store uses on the data path (table set-up is not slowed). */
  private static final List<String> DATA_OPERATIONS = List.of("PutItem", "UpdateItem",
      "DeleteItem", "GetItem", "Query", "BatchGetItem", "BatchWriteItem", "TransactWriteItems",
      "TransactGetItems");

  private final DynamoDBProxyServer dynamoDbLocal;
  private final FaultInjectingDynamoDbProxy proxy;
  private final DynamoDbClient client;

  private SlowedDynamoDb(DynamoDBProxyServer dynamoDbLocal, FaultInjectingDynamoDbProxy proxy,
      int storeThreads) {
    this.dynamoDbLocal = dynamoDbLocal;
    this.proxy = proxy;
    this.client = DynamoDbClient.builder()
        .httpClientBuilder(storeThreads > 0
            ? DynamoDbTraceStore.httpClientBuilder(storeThreads) // the product's client
            : UrlConnectionHttpClient.builder())
        .endpointOverride(proxy.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("fakeAccessKey", "fakeSecretKey")))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /**
   * Starts DynamoDB Local (in memory, loopback) and the proxy adding {@code delay} per call; its
   * client uses the SDK's URL-connection HTTP client (OverloadBench's figures).
   */
  public static SlowedDynamoDb start(Duration delay) throws Exception {
    return start(delay, 0);
  }

  /**
   * As {@link #start(Duration)}, the client built as the product builds it for {@code
   * storeThreads} calls in flight ({@link DynamoDbTraceStore#httpClientBuilder}); 0: the
   * URL-connection client.
   */
  public static SlowedDynamoDb start(Duration delay, int storeThreads) throws Exception {
    return start(delay, storeThreads, false);
  }

  /**
   * As {@link #start(Duration, int)}; with {@code sink}, a table without a capacity limit: the
   * proxy answers every data call itself after {@code delay}, with what DynamoDB answers for a
   * trace never written before (a Query finds nothing, every condition holds, every write is
   * processed, nothing is returned), and nothing reaches DynamoDB Local but the table's set-up.
   * Only for fresh ingest (every trace new, as {@code IngestBench} sends): it measures what the
   * node itself sustains at that latency, which DynamoDB Local's single writer (one SQLite thread,
   * one lock per table) hides on a small machine.
   */
  public static SlowedDynamoDb start(Duration delay, int storeThreads, boolean sink) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
        new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
    bindToLoopback(server);
    server.start();
    FaultInjectingDynamoDbProxy proxy =
        FaultInjectingDynamoDbProxy.start(URI.create("http://127.0.0.1:" + port));
    for (String operation : DATA_OPERATIONS) {
      FaultInjectingDynamoDbProxy.Reply answer = sink ? sinkAnswer(operation) : null;
      proxy.on(operation).reply((call, upstream) -> {
        Thread.sleep(delay.toMillis());
        return answer != null ? answer : upstream.forward();
      });
    }
    return new SlowedDynamoDb(server, proxy, storeThreads);
  }

  /** What DynamoDB answers {@code operation} with for a trace never written, all conditions met. */
  private static FaultInjectingDynamoDbProxy.Reply sinkAnswer(String operation) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    switch (operation) {
      case "Query" -> body.put("Count", 0).put("ScannedCount", 0).putArray("Items");
      case "BatchWriteItem" -> body.putObject("UnprocessedItems");
      case "BatchGetItem" -> {
        body.putObject("Responses");
        body.putObject("UnprocessedKeys");
      }
      default -> { } // PutItem, UpdateItem, DeleteItem, GetItem (absent), transactions: {}
    }
    return FaultInjectingDynamoDbProxy.Reply.json(200, body);
  }

  /** A client of the slowed endpoint (the SDK's retries off, as the product's). */
  public DynamoDbClient client() {
    return client;
  }

  @Override
  public void close() throws Exception {
    client.close();
    proxy.close();
    dynamoDbLocal.stop();
  }

  private static void bindToLoopback(DynamoDBProxyServer server)
      throws ReflectiveOperationException, IOException {
    Field jetty = DynamoDBProxyServer.class.getDeclaredField("server");
    jetty.setAccessible(true);
    for (Connector connector : ((Server) jetty.get(server)).getConnectors()) {
      ((AbstractNetworkConnector) connector)
          .setHost(InetAddress.getLoopbackAddress().getHostAddress());
    }
  }
}
