package io.tracebridge.web;

import static io.tracebridge.web.WebTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.mapper.TraceAssembly;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import io.tracebridge.store.ApiKeyAuthenticator;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, "no API description": {@code /api/openapi.json} (OpenAPI 3.1) and {@code
 * /api/websocket.schema.json} (JSON Schema 2020-12) held to a running web node over the in-memory
 * store: every route the router has is documented and every documented one is routed; real
 * answers of every documented GET, after ingesting real agent runs (the span mapper's golden
 * fixtures, mapped and assembled as the receiver does), and real websocket frames of live
 * subscriptions validate against the documents, as do the ops the viewer sends; errors validate
 * against the error schema; the schemas are strict enough that a renamed field fails. And
 * "{@code /health} that checks the table": {@code /health} answers the readiness check, {@code
 * /health/live} does not depend on it.
 */
class ApiDescriptionTest {
  private static final String TENANT = WebConfig.DEFAULT_TENANT;
  /** A hook-events Strands run with a tool call (2025-01-01). */
  private static final String HOOK_RUN = "testdata/hook_events/full_strands_agent_run";
  /** A Strands run whose tool fails: an error record (2026-11-24). */
  private static final String FAILING_RUN = "testdata/strands/failing_tool_gives_error_record_and_tool_status_error";
  /** An ADOT run whose content came in log records (2026-11-24). */
  private static final String ADOT_RUN = "testdata/adot_logs/strands_content_moved_to_logs_by_llo_handler";
  /** Another Strands run in the failing run's session, stored while the sockets listen. */
  private static final String LIVE_RUN = "testdata/strands/default_mode_reasoning_tool_call_answer";
  /** Routes that are the viewer's pages, not the API: the only ones the document leaves out. */
  private static final Set<String> VIEWER_PAGES = Set.of(
      "get /traces/{id}", "get /sessions/{id}", "get /agents/{id}", "get /favicon.ico");

  /** The records a store ends up holding for a golden case, as the receiver builds them. */
  static List<FunctionalRecord> agentRun(String caseDir) throws IOException {
    SpanMapper mapper = new SpanMapper();
    List<FunctionalRecord> records = new ArrayList<>();
    List<SpanNode> spans = new ArrayList<>();
    byte[] logs = resource(caseDir + "/input.logs.otlp.json");
    if (logs != null) {
      records.addAll(mapper.mapLogs(TENANT, OtlpJsonCodec.parseLogs(logs)).records());
    }
    MappingResult mapped = mapper.map(TENANT, OtlpJsonCodec.parseTraces(resource(caseDir + "/input.otlp.json")));
    records.addAll(mapped.records());
    spans.addAll(mapped.spans());
    List<FunctionalRecord> assembled = TraceAssembly.assemble(records, spans).records();
    assertThat(assembled).as(caseDir).isNotEmpty();
    return assembled;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ApiDescriptionTest.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  private static void store(WebTestSupport web, List<FunctionalRecord> records) {
    web.store.accept(records).toCompletableFuture().join();
  }

  @Test
  void everyRoutedPathIsDocumentedAndEveryDocumentedPathIsRouted() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)))) {
      ApiContract api = new ApiContract(web);
      Set<String> routed = ApiContract.routedOperations(web.verticle.router().getRoutes());
      assertThat(routed).as("the viewer's pages are routed").containsAll(VIEWER_PAGES);
      Set<String> api_ = new TreeSet<>(routed);
      api_.removeAll(VIEWER_PAGES);
      assertThat(api_).as("every route but the viewer's pages is in openapi.json, and nothing else is")
          .containsExactlyInAnyOrderElementsOf(api.documentedOperations());
      assertThat(api_).contains("get /api/traces", "get /api/traces/{id}", "get /api/usage.csv", "get /health",
          "get /api/openapi.json", "get /api/websocket.schema.json", "get /ws", "get /metrics");

      assertThat(api.openapi.path("openapi").asText()).isEqualTo("3.1.0");
      assertThat(api.frames.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
      // The frame schema is itself a valid 2020-12 schema (the meta-schema ships with the validator).
      api.assertValid("https://json-schema.org/draft/2020-12/schema", api.frames.toString());
      // Every operation is answered with at least one documented response, and every /api one
      // that reads tenant data declares the tenant parameter.
      assertThat(api.danglingReferences()).isEmpty();
      // What OpenAPI requires of each operation: a unique operationId, each {name} of its path
      // declared as a required path parameter, a description on every response.
      Set<String> operationIds = new HashSet<>();
      api.openapi.path("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
        String what = op.getKey() + " " + p.getKey();
        assertThat(operationIds.add(op.getValue().path("operationId").asText())).as(what + " operationId").isTrue();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(p.getKey());
        while (m.find()) {
          String name = m.group(1);
          List<JsonNode> declared = new ArrayList<>();
          op.getValue().path("parameters").forEach(declared::add);
          assertThat(declared).as(what + " declares {" + name + "}").anySatisfy(d -> {
            assertThat(d.path("name").asText()).isEqualTo(name);
            assertThat(d.path("in").asText()).isEqualTo("path");
            assertThat(d.path("required").asBoolean()).isTrue();
          });
        }
        op.getValue().path("responses").properties().forEach(r -> {
          JsonNode answer = r.getValue().has("$ref") ? api.openapi.at(r.getValue().get("$ref").asText().substring(1)) : r.getValue();
          assertThat(answer.path("description").asText()).as(what + " " + r.getKey()).isNotBlank();
        });
      }));
      api.openapi.path("paths").properties().forEach(p -> {
        JsonNode get = p.getValue().path("get");
        assertThat(get.path("responses").size()).as(p.getKey()).isPositive();
        boolean open = get.has("security") && get.get("security").isEmpty();
        if (p.getKey().startsWith("/api/") && !open) {
          assertThat(get.path("parameters").toString()).as(p.getKey()).contains("#/components/parameters/tenant");
          assertThat(get.path("responses").has("401")).as(p.getKey() + " documents 401").isTrue();
        }
      });
    }
  }

  @Test
  void theDescriptionIsServedWithoutAKeyWithItsContentTypes() throws Exception {
    WebConfig.Builder keyed = WebConfig.builder().heartbeatInterval(Duration.ofHours(1))
        .authenticator(ApiKeyAuthenticator.of(Map.of("key-a", "a")));
    try (WebTestSupport web = new WebTestSupport(keyed)) {
      HttpResponse<String> doc = web.get(ApiDescription.OPENAPI_PATH, null);
      assertThat(doc.statusCode()).isEqualTo(200);
      assertThat(doc.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(doc.headers().firstValue("x-content-type-options")).hasValue("nosniff");
      HttpResponse<String> frames = web.get(ApiDescription.WEBSOCKET_SCHEMA_PATH, null);
      assertThat(frames.statusCode()).isEqualTo(200);
      assertThat(frames.headers().firstValue("content-type")).hasValue("application/schema+json");
      // As is: the bytes of the resource files.
      assertThat(doc.body()).isEqualTo(ApiDescription.resource(ApiDescription.OPENAPI_RESOURCE).toString());
      assertThat(frames.body()).isEqualTo(ApiDescription.resource(ApiDescription.WEBSOCKET_SCHEMA_RESOURCE).toString());

      ApiContract api = new ApiContract(web);
      api.assertDocumented("/api/openapi.json", doc);
      api.assertDocumented("/api/websocket.schema.json", frames);
      // The rest of /api still needs the key, and says so as documented.
      HttpResponse<String> refused = web.get("/api/traces", null);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      api.assertDocumented("/api/traces", refused);
      api.assertDocumented("/api/traces", web.get("/api/traces?tenant=b", "key-a")); // 403
      api.assertDocumented("/api/usage", web.get("/api/usage", "key-a"));
      api.assertDocumented("/metrics", web.get("/metrics", "key-a")); // 403: no metrics key on this node
      HttpResponse<String> noKeyNoSocket = web.get("/ws", null);
      assertThat(noKeyNoSocket.statusCode()).isEqualTo(401);
      api.assertDocumented("/ws", noKeyNoSocket);
    }
  }

  @Test
  void everyDocumentedGetAnswersAsDocumentedForRealAgentRuns() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)))) {
      List<FunctionalRecord> hook = agentRun(HOOK_RUN);
      List<FunctionalRecord> failing = agentRun(FAILING_RUN);
      List<FunctionalRecord> adot = agentRun(ADOT_RUN);
      store(web, hook);
      store(web, failing);
      store(web, adot);
      ApiContract api = new ApiContract(web);
      Set<String> answered = new TreeSet<>();
      Map<String, Set<String>> schemasUsed = new java.util.TreeMap<>();
      class Check {
        JsonNode get(String template, String path) throws Exception {
          HttpResponse<String> response = web.get(path, null);
          assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
          api.assertDocumented(template, response);
          answered.add("get " + template);
          String type = response.headers().firstValue("content-type").orElse("");
          return type.contains("json") ? RecordJson.mapper().readTree(response.body()) : null;
        }
      }
      Check c = new Check();

      String hookTrace = hook.get(0).traceId();
      String failingTrace = failing.get(0).traceId();
      JsonNode all = c.get("/api/traces", "/api/traces");
      assertThat(all.path("traces")).extracting(t -> t.path("traceId").asText())
          .containsExactlyInAnyOrder(hookTrace, failingTrace, adot.get(0).traceId());
      assertThat(all.path("traces").get(0).path("models").size()).isPositive();
      JsonNode first = c.get("/api/traces", "/api/traces?limit=1");
      assertThat(first.path("nextCursor").isTextual()).isTrue();
      c.get("/api/traces", "/api/traces?limit=1&cursor=" + first.path("nextCursor").asText());
      String failingStatus = status(all, failingTrace);
      JsonNode filtered = c.get("/api/traces", "/api/traces?status=" + failingStatus);
      assertThat(filtered.path("traces")).extracting(t -> t.path("traceId").asText()).contains(failingTrace);
      assertThat(filtered.has("scanned")).isTrue();
      c.get("/api/traces", "/api/traces?sessionId=" + failing.get(0).sessionId() + "&q=calc&from=2026-11-24&to=2026-11-24");
      c.get("/api/traces", "/api/traces?agentId=calculator&model=claude");

      JsonNode records = c.get("/api/traces/{id}", "/api/traces/" + hookTrace);
      assertThat(records.path("records").size()).isEqualTo(hook.size());
      c.get("/api/traces/{id}", "/api/traces/" + TraceIds.toXray(failingTrace));
      JsonNode legacy = c.get("/api/traces/{id}", "/api/traces/" + hookTrace + "?view=legacy");
      assertThat(legacy.isArray()).isTrue();
      JsonNode run = c.get("/api/traces/{id}", "/api/traces/" + failingTrace + "?view=run");
      assertThat(run.path("status").asText()).as("the run view's status is the summary's").isEqualTo(failingStatus);
      assertThat(run.path("calls").size()).isPositive();
      assertThat(run.has("records")).isFalse();
      JsonNode runWithRecords = c.get("/api/traces/{id}", "/api/traces/" + adot.get(0).traceId() + "?view=run&records=true");
      assertThat(runWithRecords.path("records").size()).isEqualTo(adot.size());
      // Each view by the schema it names too, not only by the document's oneOf.
      api.assertValid(api.component("TraceRecords"), records.toString());
      api.assertValid(api.component("LegacyTraces"), legacy.toString());
      api.assertValid(api.component("RunView"), run.toString());
      api.assertValid(api.component("RunView"), runWithRecords.toString());
      api.assertInvalid(api.component("TraceRecords"), run.toString());

      JsonNode session = c.get("/api/sessions/{id}", "/api/sessions/" + hook.get(0).sessionId());
      assertThat(session.path("totals").path("runs").asInt()).isEqualTo(1);
      c.get("/api/agents/{id}", "/api/agents/calculator?from=2026-11-01&to=2026-11-30");
      c.get("/api/agents/{id}", "/api/agents/calculator_agent?from=2024-12-31&to=2025-01-02");
      for (String groupBy : List.of("tenant", "agent", "model", "day", "session", "trace")) {
        JsonNode usage = c.get("/api/usage", "/api/usage?groupBy=" + groupBy + "&from=2025-01-01&to=2026-11-30");
        assertThat(usage.path("rows").size()).as(groupBy).isPositive();
      }
      c.get("/api/usage", "/api/usage?format=csv&from=2025-01-01&to=2026-11-30");
      c.get("/api/usage.csv", "/api/usage.csv?groupBy=agent&from=2025-01-01&to=2026-11-30");
      c.get("/api/openapi.json", "/api/openapi.json");
      c.get("/api/websocket.schema.json", "/api/websocket.schema.json");
      c.get("/health", "/health");
      c.get("/health/ready", "/health/ready");
      c.get("/health/live", "/health/live");
      c.get("/metrics", "/metrics");

      Set<String> documentedGets = new TreeSet<>(api.documentedOperations());
      documentedGets.remove("get /ws"); // the websocket: ApiDescriptionTest#liveFrames…
      assertThat(answered).as("every documented GET was answered 200 and checked").isEqualTo(documentedGets);
    }
  }

  @Test
  void liveFramesAndTheViewersOpsValidateAgainstTheFrameSchema() throws Exception {
    WebConfig.Builder config = WebConfig.builder().heartbeatInterval(Duration.ofMillis(200))
        .maxSubscriptionsPerSocket(5);
    try (WebTestSupport web = new WebTestSupport(config)) {
      List<FunctionalRecord> failing = agentRun(FAILING_RUN);
      store(web, failing);
      ApiContract api = new ApiContract(web);
      String client = api.component("WebSocketClientMessage"); // through the OpenAPI document's reference
      HttpResponse<String> notUpgraded = web.get("/ws", null);
      assertThat(notUpgraded.statusCode()).isEqualTo(400);
      api.assertDocumented("/ws", notUpgraded);
      String server = api.component("WebSocketServerFrame");
      Set<String> types = new HashSet<>();
      List<JsonNode> seen = new ArrayList<>();

      try (WebSocketTestClient ws = WebSocketTestClient.connect(web.wsUrl())) {
        // The ops as the pages send them (runs.js, viewer.js), then the other scopes and ops.
        List<String> ops = List.of(
            "{\"op\":\"subscribe\",\"id\":\"runs\",\"runs\":true}",
            "{\"op\":\"subscribe\",\"id\":\"view\",\"traceId\":\"" + failing.get(0).traceId() + "\"}",
            "{\"op\":\"subscribe\",\"id\":\"session\",\"sessionId\":\"" + failing.get(0).sessionId() + "\"}",
            "{\"op\":\"subscribe\",\"agentId\":\"calculator\",\"tenant\":\"" + TENANT + "\"}");
        for (String op : ops) {
          api.assertValid(client, op);
          ws.send(op);
        }
        // The stored phase of the three scoped subscriptions, each ending in synced.
        Set<String> synced = new HashSet<>();
        for (JsonNode f : ws.until(f -> f.path("type").asText().equals("synced")
            && synced.add(f.path("subscription").asText()) && synced.size() == 4, WAIT)) {
          seen.add(f);
        }
        assertThat(seen).filteredOn(f -> f.path("type").asText().equals("record")).hasSizeGreaterThanOrEqualTo(3 * failing.size());

        // Live: another run of the same session and agent.
        List<FunctionalRecord> live = agentRun(LIVE_RUN);
        store(web, live);
        String liveTrace = live.get(0).traceId();
        Set<String> liveIds = new HashSet<>();
        live.forEach(r -> liveIds.add(r.recordId()));
        Set<String> sessionLive = new HashSet<>();
        boolean[] runFrame = {false};
        seen.addAll(ws.until(f -> {
          if (f.path("type").asText().equals("record") && f.path("subscription").asText().equals("session")) {
            sessionLive.add(f.path("record").path("recordId").asText());
          }
          runFrame[0] |= f.path("type").asText().equals("run") && f.path("traceId").asText().equals(liveTrace);
          return runFrame[0] && sessionLive.containsAll(liveIds);
        }, WAIT));
        seen.addAll(ws.until(f -> f.path("type").asText().equals("heartbeat") && f.path("cursors").size() == 3, WAIT));

        // Resume as the viewer does after a reconnect: with the cursor of the last frame.
        String cursor = seen.stream().filter(f -> f.path("subscription").asText().equals("view") && f.has("cursor"))
            .reduce((a, b) -> b).orElseThrow().path("cursor").asText();
        String resume = "{\"op\":\"subscribe\",\"id\":\"view\",\"traceId\":\"" + failing.get(0).traceId()
            + "\",\"cursor\":\"" + cursor + "\"}";
        api.assertValid(client, resume);
        ws.send(resume);
        seen.addAll(ws.until(f -> f.path("type").asText().equals("synced") && f.path("subscription").asText().equals("view"), WAIT));

        // Refusals: each an error frame.
        List<String> refused = List.of(
            "{\"op\":\"subscribe\",\"id\":\"bad\",\"traceId\":\"" + liveTrace + "\",\"cursor\":\"v1.forged\"}",
            "{\"op\":\"subscribe\",\"id\":\"two\",\"traceId\":\"" + liveTrace + "\",\"sessionId\":\"s\"}",
            "{\"op\":\"subscribe\",\"id\":\"other\",\"sessionId\":\"s\",\"tenant\":\"someone-else\"}",
            "{\"op\":\"planet\"}",
            "not json",
            "{\"op\":\"subscribe\",\"id\":\"fifth\",\"sessionId\":\"s5\"}",
            "{\"op\":\"subscribe\",\"id\":\"sixth\",\"sessionId\":\"s6\"}");
        for (String op : refused) {
          ws.send(op);
        }
        List<JsonNode> answers = new ArrayList<>();
        answers.addAll(ws.until(f -> f.path("type").asText().equals("error") && f.path("subscription").asText().equals("sixth"), WAIT));
        seen.addAll(answers);
        assertThat(answers).filteredOn(f -> f.path("type").asText().equals("error"))
            .extracting(f -> f.path("status").asInt()).containsExactly(400, 400, 403, 400, 400, 429);
        assertThat(answers).anySatisfy(f -> assertThat(f.path("code").asText()).isEqualTo("bad_cursor"));
        // The invalid ops are invalid by the schema too, except a well-formed subscribe the server limits.
        for (String op : refused.subList(1, 5)) {
          if (!op.contains("someone-else")) {
            assertThat(api.problems(client, op.equals("not json") ? "\"not json\"" : op)).as(op).isNotEmpty();
          }
        }
        String unsubscribe = "{\"op\":\"unsubscribe\",\"id\":\"session\"}";
        api.assertValid(client, unsubscribe);
        ws.send(unsubscribe);
      }

      // A server fault in a subscription: error 503 with a requestId (here, from a store that is down).
      DelegatingReader down = new DelegatingReader(web.store) {
        @Override
        public CompletionStage<List<StoredRecord>> feed(String tenant, FeedScope scope, String id, String afterSeq, int limit) {
          return CompletableFuture.failedFuture(new StoreException("throttled", true));
        }
      };
      try (WebTestSupport faulty = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)), down);
          WebSocketTestClient ws = WebSocketTestClient.connect(faulty.wsUrl())) {
        ws.send("{\"op\":\"subscribe\",\"id\":\"f\",\"sessionId\":\"s\"}");
        JsonNode fault = ws.until(f -> f.path("type").asText().equals("error"), WAIT).stream()
            .peek(seen::add).filter(f -> f.path("type").asText().equals("error")).findFirst().orElseThrow();
        assertThat(fault.path("status").asInt()).isEqualTo(503);
        assertThat(fault.path("requestId").asText()).isNotEmpty();
      }

      // A client too slow to read: resync, then the close.
      try (WebTestSupport slow = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1))
              .maxPendingRecords(20).closeTimeout(Duration.ofMinutes(1)));
          WebSocketTestClient ws = WebSocketTestClient.connect(slow.wsUrl())) {
        String session = RecordFixtures.newSessionId();
        ws.send("{\"op\":\"subscribe\",\"id\":\"s\",\"sessionId\":\"" + session + "\"}");
        seen.addAll(ws.until(f -> f.path("type").asText().equals("synced"), WAIT));
        ws.pause();
        String big = "x".repeat(16 * 1024);
        for (int t = 0; t < 200 && slow.metrics.slowClientResyncs() == 0; t++) {
          store(slow, RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 10, Instant.now())
              .stream().map(r -> r.toBuilder().text(big).build()).toList());
        }
        WebTestSupport.eventually("the slow client is told to resync", () -> slow.metrics.slowClientResyncs() == 1);
        ws.resume();
        seen.addAll(ws.until(f -> f.path("type").asText().equals("resync"), WAIT));
      }

      for (JsonNode frame : seen) {
        api.assertValid(server, frame.toString());
        types.add(frame.path("type").asText());
      }
      Set<String> documented = new TreeSet<>();
      api.frames.path("$defs").path("serverFrame").path("oneOf").forEach(ref -> documented.add(
          api.frames.at(ref.path("$ref").asText().substring(1)).path("properties").path("type").path("const").asText()));
      assertThat(types).as("every documented frame type was seen and validated").isEqualTo(documented);
      assertThat(documented).containsExactlyInAnyOrder("subscribed", "record", "synced", "heartbeat", "error", "resync", "run");
    }
  }

  @Test
  void errorAnswersValidateAgainstTheErrorSchema() throws Exception {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    DelegatingReader breaking = new DelegatingReader(null) {
      @Override
      public CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
        return CompletableFuture.failedFuture(failure.get());
      }

      @Override
      public CompletionStage<TracePage> listTraces(String tenant, TraceQuery query) {
        return query.sessionId() != null ? CompletableFuture.completedFuture(new TracePage(List.of(), null))
            : CompletableFuture.failedFuture(failure.get());
      }

      @Override
      public CompletionStage<List<UsageCell>> usage(String tenant, UsageKind kind, LocalDate from, LocalDate to) {
        return CompletableFuture.failedFuture(failure.get());
      }
    };
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)), breaking)) {
      ApiContract api = new ApiContract(web);
      String error = api.component("Error");
      List<HttpResponse<String>> answers = new ArrayList<>();
      class Check {
        void expect(String template, String path, int status) throws Exception {
          HttpResponse<String> response = web.get(path, null);
          assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
          assertThat(api.assertDocumented(template, response)).isEqualTo(error);
          answers.add(response);
        }
      }
      Check c = new Check();
      c.expect("/api/traces", "/api/traces?limit=abc", 400);
      c.expect("/api/traces", "/api/traces?from=yesterday", 400);
      c.expect("/api/traces", "/api/traces?cursor=v1.forged", 400);
      c.expect("/api/traces/{id}", "/api/traces/not-a-trace-id", 400);
      c.expect("/api/traces/{id}", "/api/traces/" + RecordFixtures.newTraceId() + "?view=planet", 400);
      c.expect("/api/usage", "/api/usage?groupBy=planet", 400);
      c.expect("/api/agents/{id}", "/api/agents/a?from=2026-03-05&to=2026-03-01", 400);
      c.expect("/api/sessions/{id}", "/api/sessions/nobody", 404);
      failure.set(new IllegalStateException("a bug"));
      c.expect("/api/traces/{id}", "/api/traces/" + RecordFixtures.newTraceId(), 500);
      c.expect("/api/traces", "/api/traces", 500);
      failure.set(new StoreException("throttled", true));
      c.expect("/api/usage", "/api/usage", 503);
      c.expect("/api/agents/{id}", "/api/agents/a", 503);
      HttpResponse<String> unavailable = answers.get(answers.size() - 1);
      assertThat(unavailable.headers().firstValue("retry-after")).isPresent();
      assertThat(unavailable.headers().firstValue("x-request-id"))
          .hasValue(RecordJson.mapper().readTree(unavailable.body()).path("requestId").asText());

      // Routes no one documents get the same error shape.
      api.assertValid(error, web.get("/api/nothing-here", null).body());
      api.assertValid(error, web.get("/no-such-page", null).body());
    }
    // A 404 for an unknown trace, from a real (empty) store.
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)))) {
      ApiContract api = new ApiContract(web);
      HttpResponse<String> missing = web.get("/api/traces/" + RecordFixtures.newTraceId() + "?view=run", null);
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(api.assertDocumented("/api/traces/{id}", missing)).isEqualTo(api.component("Error"));
    }
  }

  @Test
  void theSchemasFailOnARenamedMissingOrExtraField() throws Exception {
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)))) {
      List<FunctionalRecord> hook = agentRun(HOOK_RUN);
      store(web, hook);
      ApiContract api = new ApiContract(web);
      String traceId = hook.get(0).traceId();

      ObjectNode page = (ObjectNode) web.getJson("/api/traces", null, 200);
      api.assertValid(api.component("TracePage"), page.toString());
      api.assertInvalid(api.component("TracePage"), renamed(page, "nextCursor", "next").toString());
      ObjectNode listed = (ObjectNode) page.path("traces").get(0);
      api.assertInvalid(api.component("ListedRun"), renamed(listed, "durationMs", "duration").toString());
      api.assertInvalid(api.component("ListedRun"), listed.deepCopy().put("status", "done").toString());

      ObjectNode trace = (ObjectNode) web.getJson("/api/traces/" + traceId, null, 200);
      ObjectNode record = (ObjectNode) trace.path("records").get(0);
      api.assertValid(api.component("Record"), record.toString());
      api.assertInvalid(api.component("Record"), renamed(record, "recordId", "recordID").toString());
      api.assertInvalid(api.component("Record"), record.deepCopy().put("type", "thought").toString());
      api.assertInvalid(api.component("Record"), record.deepCopy().put("timestamp", "yesterday").toString());
      ObjectNode withUsage = (ObjectNode) hook.stream().filter(r -> r.usage() != null).findFirst()
          .map(r -> RecordJson.mapper().valueToTree(r)).orElseThrow();
      api.assertValid(api.component("Record"), withUsage.toString());
      ((ObjectNode) withUsage.path("usage")).remove("reasoningTokens");
      api.assertInvalid(api.component("Record"), withUsage.toString());

      ObjectNode run = (ObjectNode) web.getJson("/api/traces/" + traceId + "?view=run", null, 200);
      api.assertInvalid(api.component("RunView"), renamed(run, "pricedCost", "priced").toString());
      ObjectNode usage = (ObjectNode) web.getJson("/api/usage?from=2025-01-01&to=2025-01-01", null, 200);
      api.assertValid(api.component("UsageReport"), usage.toString());
      api.assertInvalid(api.component("UsageReport"), renamed(usage, "rows", "groups").toString());
      ObjectNode session = (ObjectNode) web.getJson("/api/sessions/" + hook.get(0).sessionId(), null, 200);
      ((ObjectNode) session.path("totals")).remove("runs");
      api.assertInvalid(api.component("Session"), session.toString());

      ObjectNode error = RecordJson.mapper().createObjectNode().put("error", "limit must be …");
      api.assertValid(api.component("Error"), error.toString());
      api.assertInvalid(api.component("Error"), renamed(error, "error", "message").toString());
      api.assertInvalid(api.component("Error"), error.deepCopy().put("stack", "at …").toString());

      String frame = "{\"type\":\"record\",\"subscription\":\"s\",\"seq\":\"1\",\"cursor\":\"v1.x\",\"record\":" + record + "}";
      api.assertValid(api.component("WebSocketServerFrame"), frame);
      api.assertInvalid(api.component("WebSocketServerFrame"), frame.replace("\"subscription\"", "\"sub\""));
      api.assertInvalid(api.component("WebSocketServerFrame"), frame.replace("\"recordId\"", "\"id\""));
      api.assertInvalid(api.component("WebSocketServerFrame"), "{\"type\":\"synced\",\"subscription\":\"s\"}");
      api.assertInvalid(api.component("WebSocketClientMessage"), "{\"op\":\"subscribe\",\"trace\":\"" + traceId + "\"}");
      api.assertInvalid(api.component("WebSocketClientMessage"), "{\"op\":\"subscribe\"}");
      api.assertInvalid(api.component("WebSocketClientMessage"), "{\"op\":\"unsubscribe\"}");
    }
  }

  private static String status(JsonNode page, String traceId) {
    for (JsonNode t : page.path("traces")) {
      if (t.path("traceId").asText().equals(traceId)) {
        return t.path("status").asText();
      }
    }
    throw new AssertionError(traceId + " not listed");
  }

  private static ObjectNode renamed(ObjectNode node, String from, String to) {
    ObjectNode copy = node.deepCopy();
    copy.set(to, copy.remove(from));
    return copy;
  }

  @Test
  void healthSaysTheTablesStateAsReadinessDoesAndLiveDoesNot() throws Exception {
    AtomicReference<Future<List<String>>> answer = new AtomicReference<>(Future.succeededFuture(List.of()));
    Readiness table = answer::get;
    try (WebTestSupport web = new WebTestSupport(WebConfig.builder().heartbeatInterval(Duration.ofHours(1)), null, table)) {
      ApiContract api = new ApiContract(web);
      for (String path : List.of("/health", "/health/ready", "/health/live")) {
        HttpResponse<String> up = web.get(path, null);
        assertThat(up.statusCode()).as(path).isEqualTo(200);
        assertThat(api.assertDocumented(path, up)).isEqualTo(api.component("HealthUp"));
      }

      answer.set(Future.succeededFuture(List.of("DynamoDB table 'tbl' unreachable: connection refused")));
      for (String path : List.of("/health", "/health/ready")) {
        HttpResponse<String> down = web.get(path, null);
        assertThat(down.statusCode()).as(path).isEqualTo(503);
        assertThat(api.assertDocumented(path, down)).isEqualTo(api.component("HealthDown"));
        assertThat(RecordJson.mapper().readTree(down.body()).path("problems").get(0).asText()).contains("tbl");
      }
      assertThat(web.get("/health/live", null).statusCode()).as("liveness does not depend on the table").isEqualTo(200);

      answer.set(Future.failedFuture(new IllegalStateException("probe crashed")));
      HttpResponse<String> failed = web.get("/health", null);
      assertThat(failed.statusCode()).isEqualTo(503);
      api.assertDocumented("/health", failed);

      answer.set(Future.succeededFuture(List.of()));
      assertThat(web.get("/health", null).statusCode()).isEqualTo(200);
    }
  }
}
