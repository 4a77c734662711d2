package io.tracebridge.web;

import static io.tracebridge.web.WebTestSupport.WAIT;
import static io.tracebridge.web.WebTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.memory.InMemoryTraceStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, items 7 and 8: subscriptions capped per socket and per tenant, one heartbeat per
 * socket, store reads for subscriptions bounded per node, and a client that never answers the
 * close loses its TCP connection.
 */
class WebSocketLimitsTest {
  private static final String TENANT = WebConfig.DEFAULT_TENANT;

  private static String subscribe(String id, String session) {
    return "{\"op\":\"subscribe\",\"id\":\"" + id + "\",\"sessionId\":\"" + session + "\"}";
  }

  @Test
  void tenThousandSubscribeOpsOnOneSocketAreCappedWithAClearError() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)));
        WebSocketTestClient ws = WebSocketTestClient.connect(web.wsUrl())) {
      for (int i = 0; i < 10_000; i++) {
        ws.send(subscribe("s" + i, "session-" + i));
      }
      ws.send(subscribe("last-probe", "p")); // refused too: it is the answer after every other
      List<JsonNode> frames = ws.until(f -> f.path("subscription").asText().equals("last-probe"), WAIT.multipliedBy(3));
      long subscribed = frames.stream().filter(f -> f.path("type").asText().equals("subscribed")).count();
      List<JsonNode> refused = frames.stream().filter(f -> f.path("type").asText().equals("error")).toList();
      assertThat(subscribed).isEqualTo(WebConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET);
      assertThat(refused).hasSize(10_001 - WebConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET);
      assertThat(refused.get(0).path("status").asInt()).isEqualTo(429);
      assertThat(refused.get(0).path("message").asText()).contains("too many subscriptions on this connection");

      // Unsubscribing frees a place.
      ws.send("{\"op\":\"unsubscribe\",\"id\":\"s0\"}");
      ws.send(subscribe("again", "p"));
      assertThat(ws.until(f -> f.path("subscription").asText().equals("again"), WAIT).get(0).path("type").asText())
          .isEqualTo("subscribed");
    }
  }

  @Test
  void aTenantsSubscriptionsAreCappedOnTheNodeAcrossItsSockets() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1))
            .maxSubscriptionsPerSocket(3).maxSubscriptionsPerTenant(5));
        WebSocketTestClient first = WebSocketTestClient.connect(web.wsUrl());
        WebSocketTestClient second = WebSocketTestClient.connect(web.wsUrl())) {
      for (int i = 0; i < 3; i++) {
        first.send(subscribe("a" + i, "s"));
      }
      first.until(f -> f.path("subscription").asText().equals("a2") && f.path("type").asText().equals("synced"), WAIT);
      for (int i = 0; i < 3; i++) {
        second.send(subscribe("b" + i, "s"));
      }
      JsonNode refused = second.until(f -> f.path("type").asText().equals("error"), WAIT).stream()
          .reduce((a, b) -> b).orElseThrow();
      assertThat(refused.path("subscription").asText()).isEqualTo("b2");
      assertThat(refused.path("message").asText()).contains("too many subscriptions for this tenant");

      first.close(); // its three are given back
      eventually("the first socket's subscriptions are released", () -> web.metrics.clients().get() == 1);
      second.send(subscribe("b2", "s"));
      assertThat(second.until(f -> f.path("subscription").asText().equals("b2")
          && !f.path("type").asText().equals("record"), WAIT).stream().reduce((a, b) -> b).orElseThrow()
          .path("type").asText()).isIn("subscribed", "synced");
    }
  }

  @Test
  void oneHeartbeatPerSocketCarriesEverySubscriptionsCursor() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofMillis(50)));
        WebSocketTestClient ws = WebSocketTestClient.connect(web.wsUrl())) {
      int subscriptions = 50;
      for (int i = 0; i < subscriptions; i++) {
        ws.send(subscribe("s" + i, "session-" + i));
      }
      ws.until(f -> f.path("type").asText().equals("synced") && f.path("subscription").asText().equals("s49"), WAIT);
      // From a heartbeat on, with nothing stored: nothing but heartbeats, each with all 50 cursors.
      ws.until(f -> f.path("type").asText().equals("heartbeat") && f.path("cursors").size() == subscriptions, WAIT);
      List<JsonNode> next = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        next.add(ws.next(WAIT));
      }
      assertThat(next).allSatisfy(f -> {
        assertThat(f.path("type").asText()).isEqualTo("heartbeat");
        assertThat(f.has("subscription")).isFalse();
        assertThat(f.path("cursors").size()).isEqualTo(subscriptions);
        assertThat(f.path("cursors").path("s7").asText()).startsWith("v1.");
      });
    }
  }

  @Test
  void storeReadsForSubscriptionsAreBoundedPerNodeAndAllStillComplete() throws Exception {
    InMemoryTraceStore backing = new InMemoryTraceStore();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    DelegatingReader slow = new DelegatingReader(backing) {
      @Override
      public CompletionStage<List<StoredRecord>> feed(String tenant, FeedScope scope, String id, String afterSeq, int limit) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<List<StoredRecord>> answer = new CompletableFuture<>();
        held.add(() -> {
          inFlight.decrementAndGet();
          backing.feed(tenant, scope, id, afterSeq, limit).whenComplete((r, e) -> answer.complete(r));
        });
        return answer;
      }
    };
    int maxReads = 3;
    int sockets = 8;
    int perSocket = 5;
    Thread releaser = new Thread(() -> { // answers the held reads, one at a time, in order
      while (!Thread.currentThread().isInterrupted()) {
        Runnable next = held.poll();
        if (next != null) {
          next.run();
        } else {
          Thread.onSpinWait();
        }
      }
    });
    try (WebTestSupport web = new WebTestSupport(
        WebConfig.builder().heartbeatInterval(Duration.ofHours(1)).maxFeedReads(maxReads), slow)) {
      List<WebSocketTestClient> clients = new ArrayList<>();
      try {
        for (int c = 0; c < sockets; c++) {
          WebSocketTestClient ws = WebSocketTestClient.connect(web.wsUrl());
          clients.add(ws);
          for (int i = 0; i < perSocket; i++) {
            ws.send(subscribe("s" + i, "session-" + c + "-" + i));
          }
        }
        eventually("the node's read slots are all taken", () -> inFlight.get() == maxReads);
        releaser.start();
        for (WebSocketTestClient ws : clients) {
          ws.until(f -> f.path("type").asText().equals("synced")
              && f.path("subscription").asText().equals("s" + (perSocket - 1)), WAIT);
        }
        // 40 subscriptions on 8 sockets, yet never more than maxReads reads at the store at once.
        assertThat(maxInFlight.get()).isEqualTo(maxReads);
      } finally {
        releaser.interrupt();
        clients.forEach(WebSocketTestClient::close);
      }
    }
  }

  @Test
  void aClientThatNeitherReadsNorAnswersTheCloseHasItsTcpConnectionDropped() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1))
            .maxPendingRecords(20).closeTimeout(Duration.ofMillis(300)));
        Socket raw = new Socket()) {
      raw.setReceiveBufferSize(4096);
      raw.connect(new java.net.InetSocketAddress("127.0.0.1", web.port));
      handshake(raw);
      String session = RecordFixtures.newSessionId();
      sendMaskedText(raw.getOutputStream(), subscribe("s", session));
      // Never read again. Store big records until the server gives up on this client.
      String big = "x".repeat(16 * 1024);
      for (int t = 0; t < 200 && web.metrics.slowClientResyncs() == 0; t++) {
        List<FunctionalRecord> batch = RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 10, Instant.now())
            .stream().map(r -> r.toBuilder().text(big).build()).toList();
        web.store.accept(batch).toCompletableFuture().join();
      }
      eventually("the slow client is told to resync", () -> web.metrics.slowClientResyncs() == 1);
      // Its resync and close frames are stuck behind unread data, so it cannot answer the close.
      eventually("the server dropped the connection", () -> web.metrics.clients().get() == 0);
      assertThat(readToEnd(raw)).as("the TCP connection ends").isTrue();
    }
  }

  /** Reads until the peer closed (end of stream or reset); false if the wait ran out first. */
  private static boolean readToEnd(Socket socket) throws IOException {
    socket.setSoTimeout((int) WAIT.toMillis());
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[64 * 1024];
    try {
      while (in.read(buffer) >= 0) {
        // discard
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset by the server
    }
  }

  private static void handshake(Socket socket) throws IOException {
    socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
  }

  private static void sendMaskedText(OutputStream out, String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    out.write(0x81);
    out.write(0x80 | payload.length); // short messages only
    out.write(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    out.flush();
  }
}
