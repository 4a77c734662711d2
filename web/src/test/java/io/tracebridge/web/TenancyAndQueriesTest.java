package io.tracebridge.web;

import static io.tracebridge.web.WebTestSupport.WAIT;
import static io.tracebridge.web.WebTestSupport.recordIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.ApiKeyAuthenticator;
import io.tracebridge.store.RecordFixtures;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bearer keys on REST and websocket; trace lists, usage with cost, CSV and metrics. */
class TenancyAndQueriesTest {
  private static final String KEY_A = "key-for-tenant-a";
  private static final String KEY_B = "key-for-tenant-b";
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private static WebConfig.Builder twoTenants() {
    return WebConfig.builder().authenticator(ApiKeyAuthenticator.of(Map.of(KEY_A, "a", KEY_B, "b")));
  }

  private static List<FunctionalRecord> run(String tenant, String traceId, String model, long input) {
    return List.of(
        RecordFixtures.minimal(tenant, traceId, 0, T0).type(RecordType.PROMPT).sessionId("s-" + tenant)
            .agentId("agent-" + tenant).text("What is 20+22?").build(),
        RecordFixtures.minimal(tenant, traceId, 1, T0.plusSeconds(1)).sessionId("s-" + tenant)
            .agentId("agent-" + tenant).model(model).usage(new Usage(input, 100, 0, 0, 0)).build(),
        RecordFixtures.minimal(tenant, traceId, 2, T0.plusSeconds(2)).type(RecordType.RESPONSE)
            .sessionId("s-" + tenant).agentId("agent-" + tenant).text("42").build());
  }

  @Test
  void crossedKeysGet401Or403AndNeverTheOtherTenantsData() throws Exception {
    try (WebTestSupport web = new WebTestSupport(twoTenants())) {
      String traceA = RecordFixtures.newTraceId();
      web.store.accept(run("a", traceA, "gpt-4o", 1_000_000)).toCompletableFuture().join();
      web.store.accept(run("b", RecordFixtures.newTraceId(), "gpt-4o", 5)).toCompletableFuture().join();

      assertThat(web.get("/api/traces/" + traceA, null).statusCode()).isEqualTo(401);
      assertThat(web.get("/api/traces/" + traceA, "no-such-key").statusCode()).isEqualTo(401);
      assertThat(web.get("/api/usage?from=2026-03-01&to=2026-03-01", null).statusCode()).isEqualTo(401);
      assertThat(web.getJson("/api/traces/" + traceA, KEY_A, 200).path("records")).hasSize(3);
      web.getJson("/api/traces/" + traceA, KEY_B, 404);
      web.getJson("/api/traces?tenant=a", KEY_B, 403);
      web.getJson("/api/usage?tenant=a&from=2026-03-01&to=2026-03-01", KEY_B, 403);
      assertThat(web.getJson("/api/traces?tenant=b", KEY_B, 200).path("traces")).hasSize(1);
      JsonNode usageB = web.getJson("/api/usage?from=2026-03-01&to=2026-03-01&groupBy=tenant", KEY_B, 200);
      assertThat(usageB.path("rows")).hasSize(1);
      assertThat(usageB.path("rows").get(0).path("key").asText()).isEqualTo("b");
      assertThat(usageB.path("total").path("inputTokens").asLong()).isEqualTo(5);
      assertThat(web.getJson("/health", null, 200).path("status").asText()).isEqualTo("UP");

      // Websocket: refused without a key; with B's key, A's trace shows nothing, live or stored.
      assertThatThrownBy(() -> WebSocketTestClient.connect(web.wsUrl())).hasStackTraceContaining("status code 401");
      assertThatThrownBy(() -> WebSocketTestClient.connect(web.wsUrl(), Map.of("Authorization", "Bearer nope")))
          .hasStackTraceContaining("status code 401");
      try (WebSocketTestClient b = WebSocketTestClient.connect(web.wsUrl(), Map.of("Authorization", "Bearer " + KEY_B));
          WebSocketTestClient a = WebSocketTestClient.connectWithKey(web.wsUrl(), KEY_A)) {
        b.send("{\"op\":\"subscribe\",\"traceId\":\"" + traceA + "\"}");
        List<JsonNode> frames = b.until(f -> f.path("type").asText().equals("synced"), WAIT);
        assertThat(recordIds(frames)).isEmpty();
        b.send("{\"op\":\"subscribe\",\"id\":\"x\",\"traceId\":\"" + traceA + "\",\"tenant\":\"a\"}");
        JsonNode refused = b.until(f -> f.path("type").asText().equals("error"), WAIT).get(0);
        assertThat(refused.path("status").asInt()).isEqualTo(403);

        a.send("{\"op\":\"subscribe\",\"traceId\":\"" + traceA + "\"}");
        assertThat(recordIds(a.until(f -> f.path("type").asText().equals("synced"), WAIT))).hasSize(3);
        FunctionalRecord more = RecordFixtures.minimal("a", traceA, 3, T0.plusSeconds(3)).text("more").build();
        web.store.accept(List.of(more)).toCompletableFuture().join();
        assertThat(recordIds(a.until(f -> f.path("type").asText().equals("record"), WAIT)))
            .containsExactly(more.recordId());
        // B's client subscribed to the same trace id got none of it: its next frame is a later one.
        b.send("{\"op\":\"subscribe\",\"id\":\"probe\",\"sessionId\":\"s-b\"}");
        List<JsonNode> next = b.until(f -> f.path("type").asText().equals("synced")
            && f.path("subscription").asText().equals("probe"), WAIT);
        assertThat(recordIds(next)).hasSize(3).doesNotContain(more.recordId());
      }
    }
  }

  @Test
  void tracesAreListedWithSummariesAndUsageIsPricedAndExportedAsCsv() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder())) {
      String tenant = WebConfig.DEFAULT_TENANT;
      String first = RecordFixtures.newTraceId();
      String second = RecordFixtures.newTraceId();
      web.store.accept(run(tenant, first, "us.anthropic.claude-3-5-sonnet-20241022-v2:0", 1_000_000)).toCompletableFuture().join();
      web.store.accept(run(tenant, second, "gpt-4o-2024-08-06", 2_000_000).stream()
          .map(r -> r.toBuilder().timestamp(r.timestamp().plusSeconds(60)).build()).toList()).toCompletableFuture().join();

      JsonNode page = web.getJson("/api/traces?limit=1", null, 200);
      assertThat(page.path("traces").get(0).path("traceId").asText()).isEqualTo(second);
      assertThat(page.path("traces").get(0).path("status").asText()).isEqualTo("finished");
      assertThat(page.path("traces").get(0).path("durationMs").asLong()).isEqualTo(2000);
      assertThat(page.path("traces").get(0).path("usage").path("inputTokens").asLong()).isEqualTo(2_000_000);
      assertThat(page.path("traces").get(0).path("prompt").asText()).isEqualTo("What is 20+22?");
      JsonNode next = web.getJson("/api/traces?limit=1&cursor=" + page.path("nextCursor").asText(), null, 200);
      assertThat(next.path("traces").get(0).path("traceId").asText()).isEqualTo(first);
      assertThat(web.getJson("/api/traces?sessionId=s-" + tenant + "&from=2026-03-01T10:00:30Z", null, 200)
          .path("traces")).hasSize(1);
      web.getJson("/api/traces?limit=0", null, 400);
      web.getJson("/api/usage?groupBy=planet", null, 400);

      JsonNode byModel = web.getJson("/api/usage?from=2026-03-01&to=2026-03-01&groupBy=model", null, 200);
      // 1M input + 100 output on Claude 3.5 Sonnet ($3 / $15 per M); 2M + 100 on GPT-4o ($2.50 / $10)
      assertThat(byModel.path("rows")).extracting(r -> r.path("key").asText() + "=" + r.path("cost").decimalValue().stripTrailingZeros().toPlainString())
          .containsExactly("gpt-4o-2024-08-06=5.001", "us.anthropic.claude-3-5-sonnet-20241022-v2:0=3.0015");
      assertThat(byModel.path("total").path("cost").decimalValue()).isEqualByComparingTo("8.0025");
      assertThat(byModel.path("pricesAsOf").asText()).isNotBlank();

      HttpResponse<String> csv = web.get("/api/usage.csv?from=2026-03-01&to=2026-03-01&groupBy=trace", null);
      assertThat(csv.statusCode()).isEqualTo(200);
      assertThat(csv.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
      List<String> lines = csv.body().lines().toList();
      assertThat(lines.get(0)).startsWith("group_by,key,from,to,input_tokens,output_tokens");
      assertThat(lines).hasSize(4).anySatisfy(l -> assertThat(l).startsWith("trace," + first + ",2026-03-01,2026-03-01,1000000,100,"));
      assertThat(lines.get(3)).startsWith("trace,total,").contains(",8.002500,USD,");
      assertThat(web.get("/api/usage?format=csv&groupBy=day&from=2026-03-01&to=2026-03-02", null).body())
          .contains("day,2026-03-01,");

      String metrics = web.get("/metrics", null).body();
      assertThat(metrics).contains("tracebridge_records_stored_total", "tracebridge_websocket_clients",
          "tracebridge_drops_total", "tracebridge_websocket_queued_frames");
    }
  }
}
