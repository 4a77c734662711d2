package io.tracebridge.dist;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.net.InetAddress;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

/**
 * The main class of the standalone DynamoDB Local server a {@link Topology} runs in its own JVM:
 * {@code ServerRunner -inMemory -port P -disableTelemetry}, as DynamoDB Local's own launcher
 * would start it, but listening on loopback only. DynamoDB Local has no option for the address
 * (its Jetty connector listens on every interface), so the connector is moved to loopback before
 * the server starts, as trace-api's {@code DynamoDbTraceStoreTest} does in process.
 *
 * <p>Arguments: the port. Runs until the process is ended.
 */
public final class LoopbackDynamoDbLocal {
  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: LoopbackDynamoDbLocal <port>");
    }
    DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
        new String[] {"-inMemory", "-port", args[0], "-disableTelemetry"});
    String loopback = InetAddress.getLoopbackAddress().getHostAddress();
    Field jetty = DynamoDBProxyServer.class.getDeclaredField("server");
    jetty.setAccessible(true);
    Connector[] connectors = ((Server) jetty.get(server)).getConnectors();
    if (connectors.length == 0) {
      throw new IllegalStateException("DynamoDB Local has no Jetty connector to move to loopback");
    }
    for (Connector connector : connectors) {
      ((AbstractNetworkConnector) connector).setHost(loopback);
    }
    server.start();
    System.out.println("DynamoDB Local (in memory) listening on " + loopback + ":" + args[0]);
    server.join();
  }
}
