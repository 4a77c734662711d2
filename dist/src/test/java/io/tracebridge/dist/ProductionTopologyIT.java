package io.tracebridge.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's "done when", on the built distribution: a standalone DynamoDB Local server, two
 * {@code receiver} and two {@code web} processes ({@code bin/tracebridge}, separate JVMs, one table,
 * one cluster), agent runs exported with the OpenTelemetry SDK's OTLP exporter alternating between
 * the receivers, and websocket clients on both web nodes.
 *
 * <ol>
 *   <li><b>Live across nodes.</b> Web node 2 runs with a one-hour heartbeat, so its clients, which
 *       subscribed before anything was stored, can get a record only through the clustered event
 *       bus: they must get every record of the first runs (stored by both receivers) before
 *       anything is killed.
 *   <li><b>Failover.</b> Mid-stream, web node 2 and receiver 2 are killed with SIGKILL. Exports
 *       that fail on receiver 2 are sent again to receiver 1 ({@link FailoverExporter}); the
 *       clients of web node 2 reconnect to web node 1 with the cursor of the last frame they read
 *       ({@link LiveClient}).
 *   <li><b>Exactly once.</b> In the end every client has every stored record of its subscription
 *       (as stored, compared field by field with {@code GET /api/traces/{id}}), no version
 *       ({@code recordId} and {@code seq}) twice, each record's versions in cursor ({@code seq})
 *       order, and token totals that equal what the exported spans carried: per trace on the
 *       websocket and in the REST totals, and per agent in {@code /api/usage}, although some
 *       exports reached two receivers.
 * </ol>
 *
 * <p>No timed assertion: every wait is for a state (a frame, an acknowledgement, readiness), with
 * a generous bound that only turns a hang into a failure. On failure the tail of every process's
 * log is printed (the whole logs are in {@code target/topology-logs/}).
 */
class ProductionTopologyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bound on any one wait: only a hang reaches it. */
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final Duration POLL = Duration.ofMillis(50);
  /** Small heaps and a quick JIT: six JVMs share CI's two cores. */
  private static final String JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
  /** Web node 2 never catches up from the store while it lives: what its clients get came live. */
  private static final String NO_CATCH_UP = "1h";
  /** Web node 1 catches up often, so a record a dying receiver stored but never published comes soon. */
  private static final String QUICK_CATCH_UP = "1s";

  private static final int SESSIONS = 3;
  private static final int CALLS = 3;
  private static final int PROMPT_CHARS = 300;
  private static final int RUNS = 24;
  /** Runs exported and delivered everywhere before anything is killed. */
  private static final int LIVE_RUNS = 8;
  /** Runs of the second phase acknowledged before the kill; the rest are exported after it. */
  private static final int RUNS_BEFORE_KILL = LIVE_RUNS + 3;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void twoReceiversAndTwoWebNodesOnOneTableDeliverEveryRecordOnceAcrossNodesAndThroughSigkill() throws Exception {
    Path dist = Path.of(System.getProperty("tracebridge.dist.home", "target/tracebridge-dist-missing"));
    Path logs = Path.of(System.getProperty("tracebridge.dist.logs", "target/topology-logs"))
        .resolve(getClass().getSimpleName());
    try (Topology topology = Topology.builder(dist, logs).javaOpts(JAVA_OPTS).start()) {
      try {
        run(topology);
      } catch (Throwable failure) {
        System.err.println("ProductionTopologyIT failed; the processes' logs end with:");
        System.err.println(topology.logTails());
        throw failure;
      }
    }
  }

  private void run(Topology topology) throws Exception {
    topology.dynamoDb().awaitReady(WAIT);
    // The first receiver creates the table; every other node expects it and checks its layout.
    RoleProcess receiver1 = topology.startReceiver("receiver-1", true, Map.of());
    receiver1.awaitReady(WAIT);
    RoleProcess receiver2 = topology.startReceiver("receiver-2", false, Map.of());
    RoleProcess web1 = topology.startWeb("web-1", Map.of("TRACEBRIDGE_HEARTBEAT", QUICK_CATCH_UP));
    RoleProcess web2 = topology.startWeb("web-2", Map.of("TRACEBRIDGE_HEARTBEAT", NO_CATCH_UP));
    topology.awaitReady(WAIT);

    String run = UUID.randomUUID().toString().substring(0, 8);
    String agentId = "agent-" + run;
    List<String> sessions = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      sessions.add("session-" + run + "-" + s);
    }

    // Per web node: one client per session and one for the agent, each failing over to the other node.
    String ws1 = Topology.websocketUrl(web1);
    String ws2 = Topology.websocketUrl(web2);
    List<Recorder> onWeb1 = new ArrayList<>();
    List<Recorder> onWeb2 = new ArrayList<>();
    for (String session : sessions) {
      onWeb1.add(Recorder.subscribe("web-1/" + session, List.of(ws1, ws2), "sessionId", session));
      onWeb2.add(Recorder.subscribe("web-2/" + session, List.of(ws2, ws1), "sessionId", session));
    }
    onWeb1.add(Recorder.subscribe("web-1/" + agentId, List.of(ws1, ws2), "agentId", agentId));
    onWeb2.add(Recorder.subscribe("web-2/" + agentId, List.of(ws2, ws1), "agentId", agentId));
    List<Recorder> clients = new ArrayList<>(onWeb1);
    clients.addAll(onWeb2);
    try {
      for (Recorder c : clients) {
        c.client.awaitSynced(1, WAIT);
        assertThat(c.recordFrames()).as(c.name() + ": nothing is stored yet").isEmpty();
      }
      exportKillAndCheck(topology, receiver1, receiver2, web1, web2, agentId, sessions, onWeb1, onWeb2, clients);
    } finally {
      clients.forEach(c -> c.client.close());
    }
  }

  private void exportKillAndCheck(Topology topology, RoleProcess receiver1, RoleProcess receiver2,
      RoleProcess web1, RoleProcess web2, String agentId, List<String> sessions,
      List<Recorder> onWeb1, List<Recorder> onWeb2, List<Recorder> clients) throws Exception {
    List<AgentRuns.Run> runs = new ArrayList<>();
    Map<String, Integer> acknowledgedBy = new ConcurrentHashMap<>();
    CountDownLatch secondPhase = new CountDownLatch(1);
    Object progress = new Object();
    try (FailoverExporter exporter = new FailoverExporter(
        List.of(Topology.grpcEndpoint(receiver1), Topology.grpcEndpoint(receiver2)))) {
      CompletableFuture<Void> exporting = CompletableFuture.runAsync(() -> {
        for (int r = 0; r < RUNS; r++) {
          if (r == LIVE_RUNS) {
            awaitLatch(secondPhase);
          }
          AgentRuns.Run agentRun = AgentRuns.build(sessions.get(r % SESSIONS), agentId, CALLS, PROMPT_CHARS, "r" + r);
          FailoverExporter.Outcome outcome = exporter.export(agentRun.spans(), r % 2); // alternate
          synchronized (progress) {
            runs.add(agentRun);
            acknowledgedBy.put(agentRun.traceId(), outcome.receiver());
            progress.notifyAll();
          }
        }
      });

      // 1. Live across nodes: the first runs reach every client, web node 2's through the bus alone.
      awaitRuns(progress, runs, LIVE_RUNS, exporting);
      Map<String, Stored> firstRuns = storedTraces(web1, snapshot(progress, runs));
      assertThat(firstRuns.values()).extracting(s -> acknowledgedBy.get(s.traceId))
          .as("the first runs were stored by both receivers").contains(0, 1);
      for (Recorder c : clients) {
        awaitUntil(() -> c.hasAll(expectedFor(c, firstRuns, sessions)),
            () -> c.name() + " lacks records of the first runs: " + c.missing(expectedFor(c, firstRuns, sessions)));
      }
      for (Recorder c : onWeb2) {
        assertThat(c.heartbeats()).as(c.name() + ": got its records with no catch-up from the store").isZero();
      }
      log("%d runs stored by both receivers reached all %d clients, web-2's through the cluster bus alone",
          firstRuns.size(), clients.size());

      // 2. Mid-stream, SIGKILL one web node and one receiver; the stream goes on.
      secondPhase.countDown();
      awaitRuns(progress, runs, RUNS_BEFORE_KILL, exporting);
      web2.kill();
      receiver2.kill();
      log("SIGKILLed web-2 and receiver-2 after %d runs were acknowledged", snapshot(progress, runs).size());
      exporting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      log("all %d runs acknowledged, %d of them by receiver 1 after receiver 2 failed them",
          RUNS, exporter.failovers());
      assertThat(exporter.failovers()).as("exports refused by the killed receiver went to the other one").isPositive();
    }
    assertThat(web1.isAlive() && receiver1.isAlive()).as("the survivors run").isTrue();

    // 3. Exactly once, in order, tokens exact.
    Map<String, Stored> stored = storedTraces(web1, runs);
    for (AgentRuns.Run r : runs) {
      Stored s = stored.get(r.traceId());
      assertThat(s.records).as("records of " + r.traceId()).hasSize(r.records());
      assertThat(s.inputTokens).as("REST input tokens of " + r.traceId()).isEqualTo(r.inputTokens());
      assertThat(s.outputTokens).as("REST output tokens of " + r.traceId()).isEqualTo(r.outputTokens());
    }
    for (Recorder c : clients) {
      Map<String, JsonNode> expected = expectedFor(c, stored, sessions);
      awaitUntil(() -> c.hasAll(expected), () -> c.name() + " lacks " + c.missing(expected));
      // Two catch-ups from the store after that: whatever they would send twice has arrived by then.
      int beats = c.heartbeats();
      awaitUntil(() -> c.heartbeats() >= beats + 2, () -> c.name() + " got no heartbeat");
    }
    log("every client has every stored record (%d in all, %d versions delivered)", stored.values().stream()
        .mapToInt(s -> s.records.size()).sum(), clients.stream().mapToInt(c -> c.recordFrames().size()).sum());
    for (Recorder c : onWeb2) {
      assertThat(c.client.connections()).as(c.name() + " reconnected once").isEqualTo(2);
      assertThat(c.client.currentUrl()).as(c.name() + " now on the surviving web node").isEqualTo(Topology.websocketUrl(web1));
    }
    for (Recorder c : onWeb1) {
      assertThat(c.client.connections()).as(c.name() + " kept its connection").isEqualTo(1);
    }
    long sentInput = 0;
    long sentOutput = 0;
    for (AgentRuns.Run r : runs) {
      sentInput += r.inputTokens();
      sentOutput += r.outputTokens();
    }
    for (Recorder c : clients) {
      Map<String, JsonNode> expected = expectedFor(c, stored, sessions);
      List<LiveClient.Frame> frames = c.recordFrames();
      assertThat(duplicates(frames)).as(c.name() + ": versions delivered twice").isEmpty();
      assertThat(outOfOrder(frames)).as(c.name() + ": versions of one record out of seq order").isEmpty();
      Map<String, JsonNode> latest = c.latest();
      assertThat(latest.keySet()).as(c.name() + ": exactly the records of its subscription").isEqualTo(expected.keySet());
      assertThat(latest).as(c.name() + ": the last version of each record is the stored one").isEqualTo(expected);
      long input = 0;
      long output = 0;
      for (JsonNode r : latest.values()) {
        if (r.path("type").asText().equals("model_response")) {
          input += r.path("usage").path("inputTokens").asLong();
          output += r.path("usage").path("outputTokens").asLong();
        }
      }
      long wantInput = 0;
      long wantOutput = 0;
      for (AgentRuns.Run r : runs) {
        if (c.scopeId.equals(agentId) || c.scopeId.equals(r.sessionId())) {
          wantInput += r.inputTokens();
          wantOutput += r.outputTokens();
        }
      }
      assertThat(input).as(c.name() + ": input tokens on the websocket").isEqualTo(wantInput);
      assertThat(output).as(c.name() + ": output tokens on the websocket").isEqualTo(wantOutput);
    }
    JsonNode usage = getJson(Topology.webUrl(web1) + "/api/usage?groupBy=agent&from="
        + LocalDate.now(ZoneOffset.UTC).minusDays(1) + "&to=" + LocalDate.now(ZoneOffset.UTC).plusDays(1));
    JsonNode agentRow = null;
    for (JsonNode row : usage.path("rows")) {
      if (row.path("key").asText().equals(agentId)) {
        agentRow = row;
      }
    }
    assertThat(agentRow).as("usage of " + agentId + " in " + usage).isNotNull();
    assertThat(agentRow.path("inputTokens").asLong()).as("billed input tokens, counted once").isEqualTo(sentInput);
    assertThat(agentRow.path("outputTokens").asLong()).as("billed output tokens, counted once").isEqualTo(sentOutput);
    assertThat(topology.processes()).filteredOn(p -> p != web2 && p != receiver2)
        .allSatisfy(p -> assertThat(p.isAlive()).as(p + " alive").isTrue());
  }

  private static void log(String format, Object... args) {
    System.out.printf("ProductionTopologyIT: " + format + "%n", args);
  }

  /** The records a client's subscription covers, by recordId. */
  private static Map<String, JsonNode> expectedFor(Recorder c, Map<String, Stored> stored, List<String> sessions) {
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    for (Stored s : stored.values()) {
      for (JsonNode r : s.records) {
        boolean inScope = c.scopeField.equals("agentId")
            ? c.scopeId.equals(r.path("agentId").asText())
            : c.scopeId.equals(r.path("sessionId").asText());
        if (inScope) {
          expected.put(r.path("recordId").asText(), r);
        }
      }
    }
    return expected;
  }

  /** Versions ({@code recordId@seq}) that arrived more than once. */
  private static List<String> duplicates(List<LiveClient.Frame> frames) {
    Set<String> seen = new HashSet<>();
    List<String> twice = new ArrayList<>();
    for (LiveClient.Frame f : frames) {
      if (!seen.add(f.version())) {
        twice.add(f.version() + " (connection " + f.connection() + ")");
      }
    }
    return twice;
  }

  /** Versions that arrived after a later version of the same record. */
  private static List<String> outOfOrder(List<LiveClient.Frame> frames) {
    Map<String, String> lastSeq = new HashMap<>();
    List<String> late = new ArrayList<>();
    for (LiveClient.Frame f : frames) {
      String id = f.record().path("recordId").asText();
      String seq = f.json().path("seq").asText();
      String previous = lastSeq.put(id, seq);
      if (previous != null && previous.compareTo(seq) >= 0) {
        late.add(f.version() + " after " + previous);
      }
    }
    return late;
  }

  /** One trace as the store has it: its records and REST token totals. */
  private record Stored(String traceId, List<JsonNode> records, long inputTokens, long outputTokens) {}

  private Map<String, Stored> storedTraces(RoleProcess web, List<AgentRuns.Run> runs) throws Exception {
    Map<String, Stored> stored = new LinkedHashMap<>();
    for (AgentRuns.Run r : runs) {
      JsonNode body = getJson(Topology.webUrl(web) + "/api/traces/" + r.traceId());
      List<JsonNode> records = new ArrayList<>();
      body.path("records").forEach(records::add);
      stored.put(r.traceId(), new Stored(r.traceId(), records,
          body.path("usage").path("inputTokens").asLong(), body.path("usage").path("outputTokens").asLong()));
    }
    return stored;
  }

  private JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as("GET " + url + ": " + answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private static void awaitRuns(Object progress, List<AgentRuns.Run> runs, int count,
      CompletableFuture<Void> exporting) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (progress) {
      while (runs.size() < count) {
        if (exporting.isDone()) {
          exporting.get(); // rethrows the exporter's failure
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(runs.size() + " of " + count + " runs acknowledged within " + WAIT);
        }
        TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, POLL.toNanos()));
      }
    }
  }

  private static List<AgentRuns.Run> snapshot(Object progress, List<AgentRuns.Run> runs) {
    synchronized (progress) {
      return List.copyOf(runs);
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the second phase");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitUntil(BooleanSupplier done, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what.get());
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** A {@link LiveClient} and every frame it received. Thread-safe. */
  private static final class Recorder {
    /** Missing records named in a failure message. */
    private static final int SHOWN = 5;
    final String scopeField;
    final String scopeId;
    final List<LiveClient.Frame> frames = new ArrayList<>();
    LiveClient client;

    private Recorder(String scopeField, String scopeId) {
      this.scopeField = scopeField;
      this.scopeId = scopeId;
    }

    static Recorder subscribe(String name, List<String> urls, String scopeField, String scopeId) {
      Recorder recorder = new Recorder(scopeField, scopeId);
      recorder.client = LiveClient.subscribe(name, urls, scopeField, scopeId, recorder::add);
      return recorder;
    }

    String name() {
      return client.name();
    }

    private synchronized void add(LiveClient.Frame frame) {
      frames.add(frame);
    }

    synchronized List<LiveClient.Frame> recordFrames() {
      return frames.stream().filter(f -> f.type().equals("record")).toList();
    }

    /** Heartbeat frames with the subscription's cursor (each follows a catch-up read of the store). */
    synchronized int heartbeats() {
      return (int) frames.stream().filter(isType("heartbeat")).filter(f -> f.json().path("cursors").size() > 0).count();
    }

    /** The last version received of each record, by recordId. */
    synchronized Map<String, JsonNode> latest() {
      Map<String, JsonNode> latest = new LinkedHashMap<>();
      for (LiveClient.Frame f : recordFrames()) {
        latest.put(f.record().path("recordId").asText(), f.record());
      }
      return latest;
    }

    /** True once the last version received of every expected record is the expected one. */
    synchronized boolean hasAll(Map<String, JsonNode> expected) {
      return missing(expected).isEmpty();
    }

    /** The expected records whose last version received is not the expected one (the first few). */
    synchronized List<String> missing(Map<String, JsonNode> expected) {
      Map<String, JsonNode> latest = latest();
      List<String> missing = new ArrayList<>();
      expected.forEach((id, record) -> {
        if (!record.equals(latest.get(id))) {
          missing.add(id + (latest.containsKey(id) ? " (an older version)" : ""));
        }
      });
      return missing.size() <= SHOWN ? missing : List.of(missing.size() + " records, among them "
          + String.join(", ", missing.subList(0, SHOWN)));
    }

    private static Predicate<LiveClient.Frame> isType(String type) {
      return f -> f.type().equals(type);
    }
  }
}
