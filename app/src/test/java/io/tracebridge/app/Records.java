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
   * Polls {@code GET /api/traces/{id}} until every record of the run has been written from its
   * span (see {@link #spansArrived}), then returns the trace. Live hook-event log records store a
   * first, partial version of each step well before the spans do, so "the answer is stored" is
   * not yet "the trace is complete".
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
        if (spansArrived(last)) {
          return last;
        }
      }
      Thread.sleep(50); // polling a store, not timing an assertion
    }
    throw new AssertionError("trace " + traceId + " not complete within " + wait + ": " + last);
  }

  /**
   * True when the root span has arrived (its {@code response} record carries the span's duration)
   * and every record of another span carries its parent span id, which only the span, not the
   * live log record, can give.
   */
  static boolean spansArrived(JsonNode trace) {
    List<JsonNode> responses = ofType(trace, "response");
    if (responses.isEmpty() || !responses.get(0).has("durationMs")) {
      return false;
    }
    String rootSpan = responses.get(0).path("spanId").asText();
    for (JsonNode r : trace.path("records")) {
      if (!r.path("spanId").asText().equals(rootSpan) && !r.has("parentSpanId")) {
        return false;
      }
    }
    return true;
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
