package io.tracebridge.cloudwatch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * X-Ray ({@code POST /TraceSegments}, REST-JSON) and CloudWatch Logs (AWS JSON 1.1) on a
 * loopback port, for real SDK clients: each operation answers from a script given the 1-based
 * number of that operation's request; every request is recorded.
 */
final class LoopbackCloudWatch implements AutoCloseable {
  /** HTTP status, AWS error type (null for success) and success body. */
  record Answer(int status, String errorType, String body) {
    static Answer ok(String body) {
      return new Answer(200, null, body);
    }

    static Answer error(int status, String type) {
      return new Answer(status, type, null);
    }
  }

  private final HttpServer server;
  /** Operation names in arrival order: PutTraceSegments, CreateLogGroup, PutLogEvents, ... */
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  volatile IntFunction<Answer> putTraceSegments = n -> Answer.ok("{\"UnprocessedTraceSegments\":[]}");
  volatile IntFunction<Answer> putLogEvents = n -> Answer.ok("{\"nextSequenceToken\":\"1\"}");

  LoopbackCloudWatch() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  long count(String operation) {
    synchronized (requests) {
      return requests.stream().filter(operation::equals).count();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    String operation = target != null ? target.substring(target.indexOf('.') + 1)
        : exchange.getRequestURI().getPath().equals("/TraceSegments") ? "PutTraceSegments" : exchange.getRequestURI().getPath();
    int n;
    synchronized (requests) {
      requests.add(operation);
      n = (int) count(operation);
    }
    Answer answer = switch (operation) {
      case "PutTraceSegments" -> putTraceSegments.apply(n);
      case "PutLogEvents" -> putLogEvents.apply(n);
      default -> Answer.ok("{}");
    };
    String body = answer.errorType() == null ? answer.body()
        : "{\"__type\":\"" + answer.errorType() + "\",\"message\":\"scripted " + answer.errorType() + "\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", target != null ? "application/x-amz-json-1.1" : "application/json");
    if (answer.errorType() != null) {
      exchange.getResponseHeaders().add("x-amzn-ErrorType", answer.errorType());
    }
    exchange.getResponseHeaders().add("x-amzn-RequestId", "req-" + requests.size());
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
