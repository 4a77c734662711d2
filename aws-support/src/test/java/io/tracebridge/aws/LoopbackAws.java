package io.tracebridge.aws;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * A loopback HTTP server that answers the AWS JSON 1.1 protocol (CloudWatch Logs) with a scripted
 * status and body per request, counting what reached it; and a real SDK client pointed at it.
 */
final class LoopbackAws implements AutoCloseable {
  /** One answer: HTTP status and JSON body. */
  record Answer(int status, String body) {
    static Answer error(int status, String type) {
      return new Answer(status, "{\"__type\":\"" + type + "\",\"message\":\"scripted " + type + "\"}");
    }
  }

  private final HttpServer server;
  final AtomicInteger requests = new AtomicInteger();
  final List<String> targets = Collections.synchronizedList(new ArrayList<>());

  /** {@code script} gets the 1-based request number and returns the answer to it. */
  LoopbackAws(IntFunction<Answer> script) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
      Answer answer = script.apply(requests.incrementAndGet());
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
      exchange.getResponseHeaders().add("x-amzn-RequestId", "req-" + requests.get());
      exchange.sendResponseHeaders(answer.status(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  URI endpoint() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  CloudWatchLogsClient logsClient(TransportRetryPolicy policy, ExecutionInterceptor... interceptors) {
    return CloudWatchLogsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(policy.clientOverride(interceptors))
        .build();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
