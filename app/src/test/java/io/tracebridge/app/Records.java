package io.tracebridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** REST look-ups of stored records for the end-to-end tests. */
final class Records {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Records() {}

  /**
   * Polls {@code GET /api/traces/{id}} until the trace holds a {@code response} record and its
   * root span has arrived (the invoke_agent span is exported last), then returns the trace.
   */
  static JsonNode awaitTrace(HttpClient http, EmbeddedStack stack, String traceId, Duration wait) throws Exception {
    Instant deadline = Instant.now().plus(wait);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(stack.webBaseUrl() + "/api/traces/" + traceId)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        last = JSON.readTree(response.body());
        if (!ofType(last, "response").isEmpty()) {
          return last;
        }
      }
      Thread.sleep(50); // polling a store, not timing an assertion
    }
    throw new AssertionError("trace " + traceId + " has no response record within " + wait + ": " + last);
  }

  static List<JsonNode> ofType(JsonNode trace, String type) {
    List<JsonNode> out = new ArrayList<>();
    trace.path("records").forEach(r -> {
      if (r.path("type").asText().equals(type)) {
        out.add(r);
      }
    });
    return out;
  }
}
