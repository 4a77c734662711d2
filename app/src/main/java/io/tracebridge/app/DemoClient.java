package io.tracebridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Invokes the agent runtime with the seed's integration prompt and waits until the run's answer
 * is stored and readable over REST, so the URL it returns shows the whole run.
 *
 * <p>The prompt asks for X+Y plus "the bonus number from session attributes"; the bonus travels
 * only in {@code session_attributes}, which the model never sees. An answer of X+Y+bonus proves
 * the tool ran with the session context.
 */
final class DemoClient {
  static final String PROMPT =
      "Calculate 20+22 and add the bonus number from session attributes";
  static final String BONUS = "100";
  private static final Duration STORED_TIMEOUT = Duration.ofSeconds(30);

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String runtimeBaseUrl;
  private final String webBaseUrl;

  /** What the demo run produced. */
  record Result(String traceId, String answer, int storedRecords, JsonNode usage) {}

  DemoClient(String runtimeBaseUrl, String webBaseUrl) {
    this.runtimeBaseUrl = runtimeBaseUrl;
    this.webBaseUrl = webBaseUrl;
  }

  Result run() throws IOException, InterruptedException {
    ObjectNode input = json.createObjectNode();
    input.put("prompt", PROMPT);
    input.put("session_id", "demo-" + UUID.randomUUID());
    input.put("agent_id", "demo-agent");
    input.putObject("session_attributes").put("bonus", BONUS);
    ObjectNode payload = json.createObjectNode();
    payload.set("input", input);

    HttpResponse<String> invoked =
        http.send(
            HttpRequest.newBuilder(URI.create(runtimeBaseUrl + "/invocations"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload.toString()))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode reply = json.readTree(invoked.body());
    if (invoked.statusCode() != 200 || !reply.path("success").asBoolean()) {
      throw new IOException("agent invocation failed: HTTP " + invoked.statusCode() + " " + invoked.body());
    }
    String traceId = reply.path("output").path("trace_id").asText();
    String answer = reply.path("output").path("message").asText();
    JsonNode stored = awaitAnswerStored(traceId);
    return new Result(traceId, answer, stored.path("records").size(), stored.path("usage"));
  }

  private JsonNode awaitAnswerStored(String traceId) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(STORED_TIMEOUT);
    HttpRequest get = HttpRequest.newBuilder(URI.create(webBaseUrl + "/api/traces/" + traceId)).build();
    while (true) {
      HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        JsonNode trace = json.readTree(response.body());
        for (JsonNode record : trace.path("records")) {
          if ("response".equals(record.path("type").asText())) {
            return trace;
          }
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("trace " + traceId + " was not stored within " + STORED_TIMEOUT);
      }
      Thread.sleep(100);
    }
  }
}
