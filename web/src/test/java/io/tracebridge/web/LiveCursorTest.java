package io.tracebridge.web;

import static io.tracebridge.web.WebTestSupport.WAIT;
import static io.tracebridge.web.WebTestSupport.recordIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.RecordFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Websocket cursors: resume without gap or duplicate; slow clients in bounded memory. */
class LiveCursorTest {
  private static final String TENANT = WebConfig.DEFAULT_TENANT;

  @Test
  void resumingFromTheLastCursorAfterADisconnectDuringIngestGivesEverythingOnce() throws Exception {
    try (WebTestSupport web = new WebTestSupport(
        WebConfig.builder().heartbeatInterval(Duration.ofMillis(50)))) {
      String session = RecordFixtures.newSessionId();
      List<FunctionalRecord> all = new ArrayList<>();
      for (int t = 0; t < 20; t++) {
        all.addAll(RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 15, Instant.now()));
      }
      web.store.accept(all.subList(0, 30)).toCompletableFuture().join(); // stored before anyone looks
      // Ingest the rest in small batches on another thread, with identical re-exports mixed in.
      CompletableFuture<Void> ingest = CompletableFuture.runAsync(() -> {
        for (int from = 30; from < all.size(); from += 3) {
          List<FunctionalRecord> batch = all.subList(from, Math.min(from + 3, all.size()));
          web.store.accept(batch).toCompletableFuture().join();
          web.store.accept(all.subList(from - 5, from)).toCompletableFuture().join(); // re-export
        }
      });

      Set<String> seen = new HashSet<>();
      String cursor;
      try (WebSocketTestClient first = WebSocketTestClient.connect(web.wsUrl())) {
        first.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\"}");
        List<JsonNode> frames = first.until(f -> f.path("type").asText().equals("record")
            && f.path("record").path("recordId").asText().equals(all.get(100).recordId()), WAIT);
        // The client crashes here: it has exactly what it processed up to this frame's cursor.
        List<String> ids = recordIds(frames);
        assertThat(ids).doesNotHaveDuplicates();
        seen.addAll(ids);
        cursor = frames.get(frames.size() - 1).path("cursor").asText();
      }
      ingest.get(30, TimeUnit.SECONDS); // more records stored while the client is away

      try (WebSocketTestClient second = WebSocketTestClient.connect(web.wsUrl())) {
        second.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\",\"cursor\":\"" + cursor + "\"}");
        List<JsonNode> frames = second.until(f -> f.path("type").asText().equals("synced"), WAIT);
        List<String> resumed = recordIds(frames);
        assertThat(resumed).doesNotHaveDuplicates();
        assertThat(resumed).doesNotContainAnyElementsOf(seen);
        seen.addAll(resumed);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(all.stream().map(FunctionalRecord::recordId).toList());

        // Live after the resume, and a heartbeat that carries the cursor (sealed: "v1.").
        FunctionalRecord later = RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 1, Instant.now()).get(0);
        web.store.accept(List.of(later)).toCompletableFuture().join();
        List<JsonNode> live = second.until(
            f -> f.path("record").path("recordId").asText().equals(later.recordId()), WAIT);
        assertThat(recordIds(live)).containsExactly(later.recordId());
        JsonNode beat = second.until(f -> f.path("type").asText().equals("heartbeat"), WAIT)
            .stream().reduce((a, b) -> b).orElseThrow();
        assertThat(beat.path("cursors").path("s1").asText()).startsWith("v1.");
      }
    }
  }

  @Test
  void aClientThatStopsReadingIsToldToResyncAndTheServerQueueStaysBounded() throws Exception {
    int maxPending = 50;
    try (WebTestSupport web = new WebTestSupport(
        WebConfig.builder().maxPendingRecords(maxPending).heartbeatInterval(Duration.ofHours(1))
            .closeTimeout(Duration.ofMinutes(5)))) { // this client reads again after the close
      String session = RecordFixtures.newSessionId();
      String big = "x".repeat(8 * 1024);
      try (WebSocketTestClient slow = WebSocketTestClient.connect(web.wsUrl())) {
        slow.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\"}");
        slow.until(f -> f.path("type").asText().equals("synced"), WAIT);
        slow.pause();

        List<FunctionalRecord> all = new ArrayList<>();
        long maxQueued = 0;
        for (int t = 0; t < 100 && web.metrics.slowClientResyncs() == 0; t++) {
          List<FunctionalRecord> batch = RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 20, Instant.now())
              .stream().map(r -> r.toBuilder().text(big).build()).toList();
          all.addAll(batch);
          web.store.accept(batch).toCompletableFuture().join();
          maxQueued = Math.max(maxQueued, web.metrics.queuedFrameCount());
        }
        WebTestSupport.eventually("the slow client is told to resync", () -> web.metrics.slowClientResyncs() == 1);
        maxQueued = Math.max(maxQueued, web.metrics.queuedFrameCount());
        assertThat(maxQueued).isLessThanOrEqualTo(maxPending);
        WebTestSupport.eventually("the connection's queue is freed", () -> web.metrics.queuedFrameCount() == 0);
        assertThat(web.metrics.scrape()).contains("tracebridge_drops_total{reason=\"slow_client\"} 1.0");

        slow.resume();
        List<JsonNode> frames = slow.until(f -> f.path("type").asText().equals("resync"), WAIT);
        assertThat(slow.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1013);
        List<String> got = recordIds(frames);
        assertThat(got.size()).isLessThan(all.size());
        // Resume from the cursor of the last frame it read: frames the server had queued past
        // its bound were never sent, and that cursor does not cover them.
        String cursor = frames.stream().filter(f -> f.has("cursor")).reduce((a, b) -> b)
            .orElseThrow().path("cursor").asText();

        try (WebSocketTestClient again = WebSocketTestClient.connect(web.wsUrl())) {
          again.send("{\"op\":\"subscribe\",\"sessionId\":\"" + session + "\",\"cursor\":\"" + cursor + "\"}");
          List<String> rest = recordIds(again.until(f -> f.path("type").asText().equals("synced"), WAIT));
          assertThat(rest).doesNotContainAnyElementsOf(got);
          List<String> union = new ArrayList<>(got);
          union.addAll(rest);
          assertThat(union).containsExactlyInAnyOrderElementsOf(all.stream().map(FunctionalRecord::recordId).toList());
        }
      }
    }
  }
}
