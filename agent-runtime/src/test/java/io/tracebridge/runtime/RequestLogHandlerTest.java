package io.tracebridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.internal.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The request log on a real Vert.x router on loopback, its lines captured. */
class RequestLogHandlerTest {
  private final Vertx vertx = Vertx.vertx();
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private String logOf(RequestLogHandler.Format format, int bodyChars, String body) throws Exception {
    Router router = Router.router(vertx);
    router.route().handler(new RequestLogHandler(format, bodyChars, lines::add));
    router.route().handler(BodyHandler.create());
    router.post("/invocations").handler(ctx -> ctx.response().setStatusCode(201).end("{}"));
    HttpServer server = vertx.createHttpServer().requestHandler(router)
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/invocations"))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer do-not-log")
            .header(AgentRuntimeServer.SESSION_HEADER, "session-do-not-log")
            .header("x-request-id", "r-1")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    String line = lines.poll(30, TimeUnit.SECONDS);
    assertThat(line).isNotNull().doesNotContain("do-not-log");
    return line;
  }

  @Test
  void jsonLinesCarryTheRequestWithSecretsMaskedAndTheBodyCut() throws Exception {
    String body = "{\"prompt\":\"" + "p".repeat(100) + "\",\"api_key\":\"do-not-log\",\"session_id\":\"s-1\"}";
    JsonNode line = Json.read(logOf(RequestLogHandler.Format.JSON, 40, body));
    assertThat(line.get("method").asText()).isEqualTo("POST");
    assertThat(line.get("path").asText()).isEqualTo("/invocations");
    assertThat(line.get("status").asInt()).isEqualTo(201);
    assertThat(line.get("body_bytes").asInt()).isEqualTo(body.length());
    assertThat(line.get("duration_ms").isIntegralNumber()).isTrue();
    assertThat(header(line, "authorization")).isEqualTo("****");
    assertThat(header(line, AgentRuntimeServer.SESSION_HEADER)).isEqualTo("****");
    assertThat(header(line, "x-request-id")).isEqualTo("r-1");
    assertThat(line.get("body").asText()).startsWith("{\"prompt\":\"ppp").endsWith(" chars)").contains("...(+");
  }

  private static String header(JsonNode line, String name) {
    return line.get("headers").properties().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(e -> e.getValue().asText())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no header " + name + " in " + line));
  }

  @Test
  void bodyFieldsThatLookLikeSecretsAreMaskedWhereverTheyAre() throws Exception {
    String excerpt = RequestLogHandler.excerpt(
        "{\"session_id\":\"s-1\",\"input\":{\"session_attributes\":{\"token\":\"t\",\"userID\":\"u\"}},\"list\":[{\"password\":\"x\"}]}", 1000);
    assertThat(Json.read(excerpt)).isEqualTo(Json.read(
        "{\"session_id\":\"s-1\",\"input\":{\"session_attributes\":{\"token\":\"****\",\"userID\":\"u\"}},\"list\":[{\"password\":\"****\"}]}"));
  }

  @Test
  void textLinesAndNoBodyWhenTheExcerptIsOff() throws Exception {
    String line = logOf(RequestLogHandler.Format.TEXT, 0, "{\"prompt\":\"secret plan\"}");
    assertThat(line).startsWith("POST /invocations -> 201 in ").contains("bodyBytes=24").doesNotContain("secret plan");
    assertThat(List.of(line)).noneMatch(l -> l.contains("body="));
  }
}
