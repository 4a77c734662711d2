package io.tracebridge.web;

import static io.tracebridge.web.WebTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.RecordFixtures;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the viewer's pages read (issue 17): the run header and per-call cost ({@code ?view=run})
 * equal to the usage API's, the run list's filters and paging, the session and agent endpoints,
 * the run-list websocket scope and the favicon.
 */
class ViewerApiTest {
  private static final String TENANT = WebConfig.DEFAULT_TENANT;
  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private static final String CLAUDE = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";

  private static List<FunctionalRecord> run(String traceId, String session, String agent, String model,
      String prompt, Instant at, boolean fail) {
    List<FunctionalRecord> records = new ArrayList<>();
    records.add(RecordFixtures.minimal(TENANT, traceId, 0, at).type(RecordType.PROMPT).sessionId(session)
        .agentId(agent).agentName(agent).text(prompt).build());
    records.add(RecordFixtures.minimal(TENANT, traceId, 1, at.plusMillis(500)).sessionId(session).agentId(agent)
        .model(model).usage(new Usage(1000, 200, 0, 0, 0)).durationMs(400L).text("thinking aloud").build());
    records.add(RecordFixtures.minimal(TENANT, traceId, 2, at.plusSeconds(1)).sessionId(session).agentId(agent)
        .model(model).usage(new Usage(3000, 100, 1000, 0, 0)).durationMs(300L).text("done").build());
    if (fail) {
      records.add(RecordFixtures.minimal(TENANT, traceId, 3, at.plusSeconds(2)).type(RecordType.ERROR)
          .sessionId(session).agentId(agent).error(new RecordError("Throttled", "model throttled")).build());
    } else {
      records.add(RecordFixtures.minimal(TENANT, traceId, 3, at.plusSeconds(2)).type(RecordType.RESPONSE)
          .sessionId(session).agentId(agent).agentName(agent).text("The answer is 42").finishReason("end_turn").build());
    }
    return records;
  }

  @Test
  void theRunViewHasTheHeaderAndACostEqualToTheUsageApisAndEachCallsCost() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder())) {
      String traceId = RecordFixtures.newTraceId();
      List<FunctionalRecord> records = run(traceId, "s1", "helper", CLAUDE, "What is 6*7?", T0, false);
      web.store.accept(records).toCompletableFuture().join();

      JsonNode run = web.getJson("/api/traces/" + traceId + "?view=run", null, 200);
      assertThat(run.path("agentId").asText()).isEqualTo("helper");
      assertThat(run.path("sessionId").asText()).isEqualTo("s1");
      assertThat(run.path("status").asText()).isEqualTo("finished");
      assertThat(run.path("stopReason").asText()).isEqualTo("end_turn");
      assertThat(run.path("durationMs").asLong()).isEqualTo(2000);
      assertThat(run.path("models")).extracting(JsonNode::asText).containsExactly(CLAUDE);
      assertThat(run.path("usage").path("inputTokens").asLong()).isEqualTo(4000);
      assertThat(run.has("records")).isFalse();
      assertThat(web.getJson("/api/traces/" + traceId + "?view=run&records=true", null, 200).path("records"))
          .extracting(r -> r.path("recordId").asText())
          .containsExactlyElementsOf(records.stream().map(FunctionalRecord::recordId).toList());

      JsonNode usage = web.getJson("/api/usage?groupBy=trace&from=2026-03-02&to=2026-03-02", null, 200);
      BigDecimal billed = usage.path("rows").get(0).path("cost").decimalValue();
      assertThat(run.path("cost").decimalValue()).isEqualByComparingTo(billed).isPositive();
      // Each call priced alone: (1000 in × $3 + 200 out × $15) / 1M, and (2000 uncached + 1000 cache read) + 100 out.
      assertThat(run.path("calls").path(records.get(1).recordId()).path("cost").decimalValue())
          .isEqualByComparingTo("0.006");
      assertThat(run.path("calls").path(records.get(2).recordId()).path("cost").decimalValue())
          .isEqualByComparingTo(new BigDecimal("0.0075").add(new BigDecimal("0.0003")));
      assertThat(run.path("currency").asText()).isEqualTo("USD");

      // The list shows the same cost and the run's models.
      JsonNode listed = web.getJson("/api/traces", null, 200).path("traces").get(0);
      assertThat(listed.path("cost").decimalValue()).isEqualByComparingTo(billed);
      assertThat(listed.path("models")).extracting(JsonNode::asText).containsExactly(CLAUDE);

      web.getJson("/api/traces/" + RecordFixtures.newTraceId() + "?view=run", null, 404);
      web.getJson("/api/traces/" + traceId + "?view=planet", null, 400);
    }
  }

  @Test
  void theRunListFiltersByStatusModelTextAndAgentWithinASessionAndPagesExactly() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder())) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        String id = RecordFixtures.newTraceId();
        ids.add(id);
        web.store.accept(run(id, i < 4 ? "sa" : "sb", i % 2 == 0 ? "even" : "odd",
            i % 3 == 0 ? "gpt-4o-2024-08-06" : CLAUDE, "question number " + i, T0.plusSeconds(60L * i), i == 5))
            .toCompletableFuture().join();
      }
      assertThat(ids("/api/traces?status=error", web)).containsExactly(ids.get(5));
      assertThat(ids("/api/traces?model=gpt-4o", web)).containsExactly(ids.get(6), ids.get(3), ids.get(0));
      assertThat(ids("/api/traces?q=NUMBER%204", web)).containsExactly(ids.get(4));
      assertThat(ids("/api/traces?sessionId=sa&agentId=even", web)).containsExactly(ids.get(2), ids.get(0));
      assertThat(ids("/api/traces?status=finished&from=2026-03-02T09:01:00Z&to=2026-03-02T09:04:00Z", web))
          .containsExactly(ids.get(3), ids.get(2), ids.get(1));

      // Paging a filtered list: two at a time, every match once, in order, nothing skipped.
      List<String> paged = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        JsonNode page = web.getJson("/api/traces?status=finished&limit=2"
            + (cursor == null ? "" : "&cursor=" + cursor), null, 200);
        page.path("traces").forEach(t -> paged.add(t.path("traceId").asText()));
        cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
        pages++;
      } while (cursor != null && pages < 10);
      assertThat(paged).containsExactly(ids.get(6), ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
      assertThat(pages).isEqualTo(3);

      assertThat(web.getJson("/api/traces?status=planet", null, 400).path("error").asText()).startsWith("status must be");
      // A filtered list's cursor is refused on another filter.
      String c = web.getJson("/api/traces?status=finished&limit=2", null, 200).path("nextCursor").asText();
      assertThat(web.getJson("/api/traces?status=error&limit=2&cursor=" + c, null, 400).path("error").asText())
          .contains("cursor refused");
    }
  }

  private static List<String> ids(String path, WebTestSupport web) throws Exception {
    List<String> out = new ArrayList<>();
    web.getJson(path, null, 200).path("traces").forEach(t -> out.add(t.path("traceId").asText()));
    return out;
  }

  @Test
  void sessionAndAgentPagesHaveRunsInOrderTotalsAndTokensAndCostByDay() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder())) {
      String a = RecordFixtures.newTraceId();
      String b = RecordFixtures.newTraceId();
      web.store.accept(run(a, "chat-1", "helper", CLAUDE, "first", T0, false)).toCompletableFuture().join();
      web.store.accept(run(b, "chat-1", "helper", CLAUDE, "second", T0.plusSeconds(86_400), false))
          .toCompletableFuture().join();

      JsonNode session = web.getJson("/api/sessions/chat-1", null, 200);
      assertThat(session.path("runs")).extracting(r -> r.path("traceId").asText()).containsExactly(a, b);
      assertThat(session.path("totals").path("runs").asInt()).isEqualTo(2);
      assertThat(session.path("totals").path("usage").path("inputTokens").asLong()).isEqualTo(8000);
      JsonNode bySession = web.getJson("/api/usage?groupBy=session&from=2026-03-02&to=2026-03-03", null, 200);
      assertThat(session.path("totals").path("cost").decimalValue())
          .isEqualByComparingTo(bySession.path("total").path("cost").decimalValue());
      web.getJson("/api/sessions/no-such-session", null, 404);

      JsonNode agent = web.getJson("/api/agents/helper?from=2026-03-01&to=2026-03-04", null, 200);
      assertThat(agent.path("days")).extracting(d -> d.path("key").asText()).containsExactly("2026-03-02", "2026-03-03");
      assertThat(agent.path("days").get(0).path("inputTokens").asLong()).isEqualTo(4000);
      JsonNode byAgent = web.getJson("/api/usage?groupBy=agent&from=2026-03-01&to=2026-03-04", null, 200);
      assertThat(agent.path("total").path("cost").decimalValue())
          .isEqualByComparingTo(byAgent.path("rows").get(0).path("cost").decimalValue());
      web.getJson("/api/agents/helper?from=2026-03-05&to=2026-03-01", null, 400);
    }
  }

  @Test
  void theDefaultDayRangeOfAgentAndUsageAnswersEndsOnTheWebNodesClockDay() throws Exception {
    // The node's clock says 2026-03-03 (UTC): the default range is the 30 days up to that day, so
    // it holds the run of 03-02 and not the one of 03-05; a clock on 04-20 holds neither.
    Clock march3 = Clock.fixed(Instant.parse("2026-03-03T23:30:00Z"), ZoneOffset.UTC);
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder(), null, Readiness.ALWAYS, march3)) {
      web.store.accept(run(RecordFixtures.newTraceId(), "chat-1", "helper", CLAUDE, "first", T0, false))
          .toCompletableFuture().join();
      web.store.accept(run(RecordFixtures.newTraceId(), "chat-2", "helper", CLAUDE, "later", T0.plusSeconds(3 * 86_400), false))
          .toCompletableFuture().join();
      JsonNode agent = web.getJson("/api/agents/helper", null, 200);
      assertThat(agent.path("days")).extracting(d -> d.path("key").asText()).containsExactly("2026-03-02");
      JsonNode usage = web.getJson("/api/usage?groupBy=day", null, 200);
      assertThat(usage.path("rows")).extracting(r -> r.path("key").asText()).containsExactly("2026-03-02");
    }
    Clock april20 = Clock.fixed(Instant.parse("2026-04-20T00:00:00Z"), ZoneOffset.UTC);
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder(), null, Readiness.ALWAYS, april20)) {
      web.store.accept(run(RecordFixtures.newTraceId(), "chat-1", "helper", CLAUDE, "first", T0, false))
          .toCompletableFuture().join();
      assertThat(web.getJson("/api/agents/helper", null, 200).path("days")).isEmpty();
    }
  }

  @Test
  void theRunListScopePushesOneRunFramePerTraceAndTheFaviconIsServed() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder());
        WebSocketTestClient ws = WebSocketTestClient.connect(web.wsUrl())) {
      ws.send("{\"op\":\"subscribe\",\"id\":\"list\",\"runs\":true}");
      List<JsonNode> ack = ws.until(f -> f.path("type").asText().equals("synced"), WAIT);
      assertThat(ack.get(0).path("type").asText()).isEqualTo("subscribed");
      assertThat(ack.get(0).path("runs").asBoolean()).isTrue();

      String traceId = RecordFixtures.newTraceId();
      web.store.accept(run(traceId, "s9", "helper", CLAUDE, "hello", Instant.now(), false)).toCompletableFuture().join();
      JsonNode run = ws.until(f -> f.path("type").asText().equals("run"), WAIT).stream()
          .filter(f -> f.path("type").asText().equals("run")).findFirst().orElseThrow();
      assertThat(run.path("subscription").asText()).isEqualTo("list");
      assertThat(run.path("traceId").asText()).isEqualTo(traceId);
      assertThat(run.path("sessionId").asText()).isEqualTo("s9");

      // The next batch for another trace: one frame for it, none repeated for the first.
      String other = RecordFixtures.newTraceId();
      web.store.accept(run(other, "s9", "helper", CLAUDE, "again", Instant.now(), false)).toCompletableFuture().join();
      List<JsonNode> frames = ws.until(f -> f.path("type").asText().equals("run")
          && f.path("traceId").asText().equals(other), WAIT);
      Set<String> traces = new HashSet<>();
      frames.stream().filter(f -> f.path("type").asText().equals("run")).forEach(f -> traces.add(f.path("traceId").asText()));
      assertThat(traces).containsExactly(other);

      ws.send("{\"op\":\"unsubscribe\",\"id\":\"list\"}");
      ws.send("{\"op\":\"subscribe\",\"id\":\"probe\",\"traceId\":\"" + other + "\"}");
      List<JsonNode> after = ws.until(f -> f.path("type").asText().equals("synced"), WAIT);
      assertThat(after).noneMatch(f -> f.path("type").asText().equals("run"));

      HttpResponse<String> icon = web.get("/favicon.ico", null);
      assertThat(icon.statusCode()).isEqualTo(200);
      assertThat(icon.body()).contains("<svg");
      assertThat(web.get("/favicon.svg", null).statusCode()).isEqualTo(200);
      assertThat(web.get("/agents/helper", null).body()).contains("agent.js");
    }
  }
}
