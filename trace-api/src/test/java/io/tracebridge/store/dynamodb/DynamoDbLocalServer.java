package io.tracebridge.store.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
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
 * DynamoDB Local run in this JVM as an HTTP server on a free loopback port, in memory: what the
 * store and other processes reach over the real wire protocol (through a {@link
 * FaultInjectingDynamoDbProxy} or directly). It outlives any process it serves, as DynamoDB does.
 * One database for every client ({@code -sharedDb}): without it DynamoDB Local keeps one per access
 * key and region, and a process with other credentials would see other tables.
 */
public final class DynamoDbLocalServer implements AutoCloseable {
  private final DynamoDBProxyServer server;
  private final URI endpoint;

  private DynamoDbLocalServer(DynamoDBProxyServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  /** A new, empty DynamoDB Local on a free loopback port. */
  public static DynamoDbLocalServer start() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
        new String[] {"-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
    bindToLoopback(server);
    server.start();
    return new DynamoDbLocalServer(server, URI.create("http://127.0.0.1:" + port));
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * A client of {@code endpoint} as the store's production client is built (URL-connection HTTP,
   * SDK retries off, so the store's own retries are what runs), with DynamoDB Local's credentials.
   */
  public static DynamoDbClient client(URI endpoint) {
    return DynamoDbClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("fakeAccessKey", "fakeSecretKey")))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /**
   * DynamoDB Local's server listens on every interface and has no option for the address: its
   * Jetty connector is moved to loopback before it starts.
   */
  private static void bindToLoopback(DynamoDBProxyServer server) throws IOException {
    try {
      Field jetty = DynamoDBProxyServer.class.getDeclaredField("server");
      jetty.setAccessible(true);
      Connector[] connectors = ((Server) jetty.get(server)).getConnectors();
      if (connectors.length == 0) {
        throw new IOException("DynamoDB Local has no Jetty connector to bind to loopback");
      }
      for (Connector connector : connectors) {
        if (!(connector instanceof AbstractNetworkConnector network)) {
          throw new IOException("DynamoDB Local's connector is no network connector: " + connector);
        }
        network.setHost(InetAddress.getLoopbackAddress().getHostAddress());
      }
    } catch (ReflectiveOperationException e) {
      throw new IOException("DynamoDB Local's Jetty server is out of reach", e);
    }
  }
}
