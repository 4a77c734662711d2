package io.tracebridge.web;

import static io.tracebridge.web.WebTestSupport.WAIT;
import static io.tracebridge.web.WebTestSupport.recordIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.ApiKeyAuthenticator;
import io.tracebridge.store.RecordFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, items 10 and 11: no key in a URL authenticates, the websocket takes the bearer
 * subprotocol, {@code /metrics} has its own key, cursors work on every node with the same
 * secret and nowhere else, and every answer carries the browser hardening headers.
 */
class KeysCursorsAndHeadersTest {
  private static final String KEY_A = "key-for-tenant-a";
  private static final String KEY_B = "key-for-tenant-b";
  private static final String SECRET = "one-secret-for-every-web-node";

  private static WebConfig.Builder twoTenants() {
    return WebConfig.builder().authenticator(ApiKeyAuthenticator.of(Map.of(KEY_A, "a", KEY_B, "b")))
        .heartbeatInterval(Duration.ofHours(1)).cursorSecret(SECRET);
  }

  @Test
  void keysInUrlsAuthenticateNothingAndTheBearerSubprotocolDoes() throws Exception {
    try (WebTestSupport web = new WebTestSupport(twoTenants())) {
      assertThat(web.get("/api/traces?access_token=" + KEY_A, null).statusCode()).isEqualTo(401);
      assertThatThrownBy(() -> WebSocketTestClient.connect(web.wsUrl() + "?access_token=" + KEY_A))
          .hasStackTraceContaining("status code 401");
      assertThatThrownBy(() -> WebSocketTestClient.connectWithProtocols(web.wsUrl(),
          List.of(WebSocketAuth.PROTOCOL, WebSocketAuth.bearerProtocol("wrong-key"))))
          .hasStackTraceContaining("status code 401");
      assertThatThrownBy(() -> WebSocketTestClient.connectWithProtocols(web.wsUrl(),
          List.of(WebSocketAuth.PROTOCOL, WebSocketAuth.BEARER_PREFIX + "!!not-base64!!")))
          .hasStackTraceContaining("status code 401");

      try (WebSocketTestClient a = WebSocketTestClient.connectWithKey(web.wsUrl(), KEY_A)) {
        assertThat(a.protocol()).as("the plain protocol is echoed, never the key").isEqualTo(WebSocketAuth.PROTOCOL);
        a.send("{\"op\":\"subscribe\",\"sessionId\":\"s\",\"tenant\":\"a\"}");
        assertThat(a.until(f -> f.path("type").asText().equals("synced"), WAIT)).isNotEmpty();
      }
    }
  }

  @Test
  void metricsNeedTheirOwnKeyUnderApiKeysAndCarryNoTenant() throws Exception {
    try (WebTestSupport keysOnly = new WebTestSupport(twoTenants());
        WebTestSupport withMetricsKey = new WebTestSupport(twoTenants().metricsKey("scraper-key"))) {
      String traceId = RecordFixtures.newTraceId();
      withMetricsKey.store.accept(RecordFixtures.trace("a", traceId, "session-of-a", 2, Instant.now()))
          .toCompletableFuture().join();
      assertThat(keysOnly.get("/metrics", null).statusCode()).isEqualTo(403);
      assertThat(keysOnly.get("/metrics", KEY_A).statusCode()).as("a tenant's key is not the metrics key").isEqualTo(403);
      assertThat(withMetricsKey.get("/metrics", null).statusCode()).isEqualTo(401);
      assertThat(withMetricsKey.get("/metrics", KEY_A).statusCode()).isEqualTo(401);
      HttpResponse<String> scrape = withMetricsKey.get("/metrics", "scraper-key");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("tracebridge_websocket_clients")
          .doesNotContain("tenant", "session-of-a", traceId);
    }
  }

  @Test
  void aWebsocketCursorResumesOnAnotherNodeWithTheSameSecretAndIsRefusedElsewhere() throws Exception {
    try (WebTestSupport node1 = new WebTestSupport(twoTenants())) {
      // Every node reads node 1's store, as every web node reads the one table in production.
      try (WebTestSupport node2 = new WebTestSupport(twoTenants(), node1.store);
          WebTestSupport stranger = new WebTestSupport(twoTenants().cursorSecret("another-deployment-s-secret"), node1.store)) {
        resumeOnAnotherNode(node1, node2, stranger);
      }
    }
  }

  private static void resumeOnAnotherNode(WebTestSupport node1, WebTestSupport node2, WebTestSupport stranger)
      throws Exception {
    String session = RecordFixtures.newSessionId();
    List<FunctionalRecord> run = RecordFixtures.trace("a", RecordFixtures.newTraceId(), session, 4, Instant.now());
    node1.store.accept(run.subList(0, 2)).toCompletableFuture().join();
    String cursor;
    try (WebSocketTestClient ws = WebSocketTestClient.connectWithKey(node1.wsUrl(), KEY_A)) {
      ws.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\"}");
      List<JsonNode> frames = ws.until(f -> f.path("type").asText().equals("record")
          && f.path("record").path("recordId").asText().equals(run.get(1).recordId()), WAIT);
      cursor = frames.get(frames.size() - 1).path("cursor").asText();
    }
    node1.store.accept(run.subList(2, 4)).toCompletableFuture().join();
    String resume = "{\"op\":\"subscribe\",\"id\":\"r\",\"sessionId\":\"" + session + "\",\"cursor\":\"" + cursor + "\"}";
    try (WebSocketTestClient ws = WebSocketTestClient.connectWithKey(node2.wsUrl(), KEY_A)) {
      ws.send(resume);
      assertThat(recordIds(ws.until(f -> f.path("type").asText().equals("synced"), WAIT)))
          .containsExactly(run.get(2).recordId(), run.get(3).recordId());
    }
    try (WebSocketTestClient otherTenant = WebSocketTestClient.connectWithKey(node2.wsUrl(), KEY_B);
        WebSocketTestClient otherDeployment = WebSocketTestClient.connectWithKey(stranger.wsUrl(), KEY_A)) {
      for (WebSocketTestClient ws : List.of(otherTenant, otherDeployment)) {
        ws.send(resume);
        JsonNode error = ws.next(WAIT);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("status").asInt()).isEqualTo(400);
        assertThat(error.path("code").asText()).isEqualTo("bad_cursor");
        assertThat(error.path("message").asText()).contains("cursor refused");
      }
    }
    try (WebSocketTestClient ws = WebSocketTestClient.connectWithKey(node2.wsUrl(), KEY_A)) {
      String tampered = cursor.substring(0, 10) + (cursor.charAt(10) == 'A' ? 'B' : 'A') + cursor.substring(11);
      ws.send(resume.replace(cursor, tampered));
      assertThat(ws.next(WAIT).path("code").asText()).as("altered by one character").isEqualTo("bad_cursor");
    }
  }

  @Test
  void everyAnswerCarriesAStrictContentSecurityPolicyNosniffAndFrameDenial() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder())) {
      for (String path : List.of("/", "/index.html", "/traces/" + RecordFixtures.newTraceId(), "/viewer.js",
          "/viewer.css", "/api/traces", "/api/traces/nope", "/health", "/no-such-page")) {
        HttpResponse<String> response = web.get(path, null);
        String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).as(path).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
            .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
      }
    }
  }

  @Test
  void theViewerNeedsNoInlineScriptOrStyleAndWrapsUnbrokenText() throws IOException {
    for (String page : List.of("index.html", "trace.html")) {
      String html = resource(page);
      assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(html).find()).as(page + ": inline script").isFalse();
      assertThat(html).as(page).doesNotContain("<style", " style=", "onclick=", "onload=", "javascript:");
    }
    for (String script : List.of("viewer.js", "runs.js", "common.js")) {
      assertThat(resource(script)).as(script).doesNotContain(".style.", "setAttribute('style'", "eval(", "innerHTML",
          "access_token");
    }
    // No browser in this module's tests: the rules that wrap a 100,000-character word.
    String css = resource("viewer.css").replaceAll("\\s+", " ");
    assertThat(css).containsPattern("\\.step \\.text[^{]*\\{[^}]*overflow-wrap: anywhere")
        .containsPattern("\\.step pre \\{[^}]*white-space: pre-wrap[^}]*overflow-wrap: anywhere")
        .containsPattern("\\.run a[^{]*\\{[^}]*overflow-wrap: anywhere");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = KeysCursorsAndHeadersTest.class.getResourceAsStream("/webroot/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
