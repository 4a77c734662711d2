package io.tracebridge.web;

import static io.tracebridge.web.WebTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.store.RecordFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The websocket's counters at {@code /metrics} after real traffic: connections and subscriptions
 * opened, frames sent (exactly the frames the clients got), frames dropped for a client too slow
 * to read them; and one record's JSON, encoded once, is the same in every subscriber's frame.
 */
class WebSocketMetricsTest {
  private static final String TENANT = WebConfig.DEFAULT_TENANT;

  private static String subscribeSession(String id, String session) {
    return "{\"op\":\"subscribe\",\"id\":\"" + id + "\",\"sessionId\":\"" + session + "\"}";
  }

  private static boolean is(JsonNode frame, String type, String subscription) {
    return frame.path("type").asText().equals(type) && frame.path("subscription").asText().equals(subscription);
  }

  private static long count(List<JsonNode> frames, String type) {
    return frames.stream().filter(f -> f.path("type").asText().equals(type)).count();
  }

  private static double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + series + " in the scrape");
  }

  private static String scrape(WebTestSupport web) throws Exception {
    HttpResponse<String> metrics = web.get("/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    return metrics.body();
  }

  @Test
  void connectionsSubscriptionsAndFramesSentAreCountedAndEverySubscriberGetsTheSameRecordJson() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)));
        WebSocketTestClient one = WebSocketTestClient.connect(web.wsUrl());
        WebSocketTestClient two = WebSocketTestClient.connect(web.wsUrl())) {
      String session = RecordFixtures.newSessionId();
      List<JsonNode> gotOne = new ArrayList<>();
      List<JsonNode> gotTwo = new ArrayList<>();
      one.send(subscribeSession("a", session));
      gotOne.addAll(one.until(f -> is(f, "synced", "a"), WAIT));
      two.send(subscribeSession("b", session));
      gotTwo.addAll(two.until(f -> is(f, "synced", "b"), WAIT));
      two.send("{\"op\":\"subscribe\",\"id\":\"runs\",\"runs\":true}");
      gotTwo.addAll(two.until(f -> is(f, "synced", "runs"), WAIT));

      List<FunctionalRecord> batch = RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 3, Instant.now());
      web.store.accept(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
      String last = batch.get(batch.size() - 1).recordId();
      gotOne.addAll(one.until(f -> f.path("record").path("recordId").asText().equals(last), WAIT));
      gotTwo.addAll(two.until(f -> f.path("record").path("recordId").asText().equals(last), WAIT));
      gotTwo.addAll(two.until(f -> is(f, "run", "runs"), WAIT));

      List<String> recordsOne = gotOne.stream().filter(f -> is(f, "record", "a")).map(f -> f.get("record").toString()).toList();
      List<String> recordsTwo = gotTwo.stream().filter(f -> is(f, "record", "b")).map(f -> f.get("record").toString()).toList();
      List<String> expected = batch.stream().map(r -> RecordJson.mapper().valueToTree(r).toString()).toList();
      assertThat(recordsOne).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(recordsTwo).containsExactlyElementsOf(recordsOne);

      String scrape = scrape(web);
      assertThat(value(scrape, "tracebridge_websocket_connections_total")).isEqualTo(2);
      assertThat(value(scrape, "tracebridge_websocket_subscriptions_total")).isEqualTo(3);
      // subscribed + synced + 3 records; twice subscribed + synced, 3 records, 1 run.
      assertThat(gotOne).hasSize(5);
      assertThat(gotTwo).hasSize(8);
      assertThat(value(scrape, "tracebridge_websocket_frames_sent_total")).isEqualTo(13);
      assertThat(value(scrape, "tracebridge_websocket_frames_dropped_total")).isZero();
      assertThat(value(scrape, "tracebridge_websocket_clients")).isEqualTo(2);
    }
  }

  @Test
  void framesHeldForAClientThatStopsReadingAreCountedDroppedWhenItIsToldToResync() throws Exception {
    int maxPending = 40;
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().maxPendingRecords(maxPending)
        .heartbeatInterval(Duration.ofHours(1)).closeTimeout(Duration.ofMinutes(5)))) {
      String session = RecordFixtures.newSessionId();
      String big = "x".repeat(8 * 1024);
      try (WebSocketTestClient slow = WebSocketTestClient.connect(web.wsUrl())) {
        slow.send(subscribeSession("s", session));
        List<JsonNode> got = new ArrayList<>(slow.until(f -> is(f, "synced", "s"), WAIT));
        slow.pause();
        for (int t = 0; t < 100 && web.metrics.slowClientResyncs() == 0; t++) {
          List<FunctionalRecord> batch = RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 20, Instant.now())
              .stream().map(r -> r.toBuilder().text(big).build()).toList();
          web.store.accept(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        WebTestSupport.eventually("the slow client is told to resync", () -> web.metrics.slowClientResyncs() == 1);

        slow.resume();
        got.addAll(slow.until(f -> f.path("type").asText().equals("resync"), WAIT));
        assertThat(slow.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1013);

        String scrape = scrape(web);
        // The queue was full (maxPending frames) and one more did not fit.
        assertThat(value(scrape, "tracebridge_websocket_frames_dropped_total")).isEqualTo(maxPending + 1);
        // Every frame counted sent reached the client, the resync last.
        assertThat(value(scrape, "tracebridge_websocket_frames_sent_total")).isEqualTo(got.size());
        assertThat(count(got, "resync")).isEqualTo(1);
        assertThat(value(scrape, "tracebridge_drops_total{reason=\"slow_client\"}")).isEqualTo(1);
      }
    }
  }
}
