package io.tracebridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.web.WebConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** REST look-ups of stored records for the end-to-end tests. */
final class Records {
  private static final ObjectMapper JSON = RecordJson.mapper();

  private Records() {}

  /**
   * Polls {@code GET /api/traces/{id}} until the trace is complete, then returns it: the root
   * span has ended, and every record the witnessed spans map to is stored in a version that
   * already holds what its span gave (see {@link #holdsSpans}). Live hook-event log records store
   * a first, partial version of each step well before the spans arrive, and records land one by
   * one, so neither "the answer is stored" nor "the root span's records are stored" is yet "the
   * trace is complete".
   */
  static JsonNode awaitTrace(HttpClient http, EmbeddedStack stack, SpanWitness witness, String traceId,
      Duration wait) throws Exception {
    Instant deadline = Instant.now().plus(wait);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(stack.webBaseUrl() + "/api/traces/" + traceId)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        last = JSON.readTree(response.body());
        if (witness.rootEnded(traceId)
            && holdsSpans(last, witness.expectedRecords(WebConfig.DEFAULT_TENANT, traceId))) {
          return last;
        }
      }
      Thread.sleep(50); // polling a store, not timing an assertion
    }
    throw new AssertionError("trace " + traceId + " not complete within " + wait + ": " + last);
  }

  /**
   * True when {@code trace} stores every one of {@code fromSpans} (records mapped from spans
   * alone) in a version that adds nothing to it: the stored record already holds the span's
   * version, merged with whatever live log record came before or after it.
   */
  static boolean holdsSpans(JsonNode trace, List<FunctionalRecord> fromSpans) {
    Map<String, FunctionalRecord> stored = new HashMap<>();
    for (FunctionalRecord r : records(trace)) {
      stored.put(r.recordId(), r);
    }
    for (FunctionalRecord expected : fromSpans) {
      FunctionalRecord have = stored.get(expected.recordId());
      if (have == null || !expected.filledFrom(have).equals(have)) {
        return false;
      }
    }
    return !fromSpans.isEmpty();
  }

  static List<FunctionalRecord> records(JsonNode trace) {
    List<FunctionalRecord> records = new ArrayList<>();
    trace.path("records").forEach(n -> records.add(JSON.convertValue(n, FunctionalRecord.class)));
    return records;
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
