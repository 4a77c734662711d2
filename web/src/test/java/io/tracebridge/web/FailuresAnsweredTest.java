package io.tracebridge.web;

import static io.tracebridge.web.WebTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceQuery;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, items 5 and 9: every REST call and websocket op is answered, whatever fails; the
 * caller's mistakes get 400 naming the parameter, the server's faults 500/503 with a request id
 * and no exception text.
 */
class FailuresAnsweredTest {
  private static final String TENANT = WebConfig.DEFAULT_TENANT;

  @Test
  void aTraceWhoseTokenTotalOverflowsIsAnswered500WithARequestIdNotLeftHanging() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder())) {
      String traceId = RecordFixtures.newTraceId();
      Instant t0 = Instant.now();
      List<FunctionalRecord> records = List.of(
          RecordFixtures.minimal(TENANT, traceId, 0, t0).usage(new Usage(Long.MAX_VALUE, 1, 0, 0, 0)).build(),
          RecordFixtures.minimal(TENANT, traceId, 1, t0.plusSeconds(1)).usage(new Usage(Long.MAX_VALUE, 1, 0, 0, 0)).build());
      web.store.accept(records).toCompletableFuture().join();

      // The JDK client has no time-out of its own: before the fix this call never returned.
      HttpResponse<String> response = web.http.sendAsync(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + web.port + "/api/traces/" + traceId)).build(),
              HttpResponse.BodyHandlers.ofString())
          .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(500);
      JsonNode body = RecordJson.mapper().readTree(response.body());
      assertThat(body.path("requestId").asText()).hasSize(36);
      assertThat(response.headers().firstValue("X-Request-Id")).hasValue(body.path("requestId").asText());
      assertThat(response.body()).doesNotContain("negative", "Exception", "java.");
      // The node still serves: the legacy view of the same trace needs no total.
      assertThat(web.getJson("/api/traces/" + traceId + "?view=legacy", null, 200)).hasSize(2);
    }
  }

  @Test
  void storeFailuresAre503WithRetryAdviceOr500AndNeverCarryTheExceptionText() throws Exception {
    DelegatingReader broken = new DelegatingReader(new io.tracebridge.store.memory.InMemoryTraceStore()) {
      @Override
      public CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
        return CompletableFuture.failedFuture(new StoreException("secret-table throttled: ProvisionedThroughputExceededException", true));
      }

      @Override
      public CompletionStage<TracePage> listTraces(String tenant, TraceQuery query) {
        throw new IllegalStateException("bug in the store: NullPointerException at Foo.java:42");
      }

      @Override
      public CompletionStage<List<StoredRecord>> feed(String tenant, FeedScope scope, String id, String afterSeq, int limit) {
        return CompletableFuture.failedFuture(new IllegalStateException("boom at Bar.java:7"));
      }
    };
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder(), broken)) {
      HttpResponse<String> unavailable = web.get("/api/traces/" + RecordFixtures.newTraceId(), null);
      assertThat(unavailable.statusCode()).isEqualTo(503);
      assertThat(unavailable.headers().firstValue("Retry-After")).isPresent();
      assertThat(unavailable.body()).contains("requestId").doesNotContain("secret-table", "Exception");

      HttpResponse<String> bug = web.get("/api/traces", null);
      assertThat(bug.statusCode()).isEqualTo(500);
      assertThat(bug.body()).contains("requestId").doesNotContain("Foo.java", "Exception");

      try (WebSocketTestClient ws = WebSocketTestClient.connect(web.wsUrl())) {
        ws.send("{\"op\":\"subscribe\",\"id\":\"x\",\"sessionId\":\"s1\"}");
        List<JsonNode> frames = ws.until(f -> f.path("type").asText().equals("error"), WAIT);
        JsonNode error = frames.get(frames.size() - 1);
        assertThat(error.path("status").asInt()).isEqualTo(500);
        assertThat(error.path("subscription").asText()).isEqualTo("x");
        assertThat(error.path("requestId").asText()).hasSize(36);
        assertThat(error.toString()).doesNotContain("Bar.java", "Exception");
      }
    }
  }

  @Test
  void badPagingParametersGet400NamingTheParameter() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder())) {
      for (String limit : new String[] {"abc", "0", "201", "-5", "99999999999999"}) {
        JsonNode error = web.getJson("/api/traces?limit=" + limit, null, 400);
        assertThat(error.path("error").asText()).as(limit).startsWith("limit must be a whole number from 1 to 200")
            .doesNotContain("For input string");
      }
      assertThat(web.getJson("/api/traces?from=yesterday", null, 400).path("error").asText()).startsWith("from must be");
      assertThat(web.getJson("/api/usage?to=soon", null, 400).path("error").asText()).startsWith("to must be");
      assertThat(web.getJson("/api/no-such-route", null, 404).path("error").asText()).isNotBlank();
    }
  }

  @Test
  void aTamperedForgedOrForeignRestCursorGets400AndTheCursorRevealsNoStoreKey() throws Exception {
    WebConfig.Builder config = WebConfig.builder().cursorSecret("a-secret-shared-by-every-web-node");
    try (WebTestSupport web = new WebTestSupport(config);
        WebTestSupport otherDeployment = new WebTestSupport(
            WebConfig.builder().cursorSecret("another-deployment-s-own-secret"))) {
      String session = "session-" + RecordFixtures.newSessionId();
      for (int i = 0; i < 3; i++) {
        web.store.accept(RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 1,
            Instant.now().plusSeconds(i))).toCompletableFuture().join();
      }
      String cursor = web.getJson("/api/traces?limit=1&sessionId=" + session, null, 200).path("nextCursor").asText();
      assertThat(cursor).startsWith("v1.");
      String decoded = new String(java.util.Base64.getUrlDecoder().decode(cursor.substring(3)),
          java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(decoded).doesNotContain(TENANT, session, "pk");
      assertThat(web.getJson("/api/traces?limit=1&sessionId=" + session + "&cursor=" + cursor, null, 200)
          .path("traces")).hasSize(1);

      char last = cursor.charAt(cursor.length() - 2);
      String tampered = cursor.substring(0, cursor.length() - 2) + (last == 'A' ? 'B' : 'A') + cursor.charAt(cursor.length() - 1);
      String plainStoreKey = java.util.Base64.getUrlEncoder().encodeToString(
          ("{\"pk\":{\"S\":\"" + TENANT + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (String bad : new String[] {tampered, plainStoreKey, "v1.!!!", "v1.AAAA"}) {
        JsonNode error = web.getJson("/api/traces?limit=1&sessionId=" + session + "&cursor=" + bad, null, 400);
        assertThat(error.path("error").asText()).as(bad).contains("cursor").doesNotContain("Exception");
      }
      // Another list's cursor, and one from a deployment with another secret.
      assertThat(web.getJson("/api/traces?limit=1&cursor=" + cursor, null, 400).path("error").asText())
          .contains("cursor refused");
      assertThat(otherDeployment.getJson("/api/traces?limit=1&sessionId=" + session + "&cursor=" + cursor, null, 400)
          .path("error").asText()).contains("cursor refused");
    }
  }
}
