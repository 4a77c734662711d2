package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.Usage;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.store.StoredUsage;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.DynamoDbLocalServer;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.tracebridge.store.dynamodb.FaultInjectingDynamoDbProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Billing whole after the product is killed: a {@code tracebridge receiver} process stores into a
 * standalone DynamoDB Local (in this JVM, so it outlives the process) through a {@link
 * FaultInjectingDynamoDbProxy}; at a chosen write (between a model call's record and its usage,
 * on either side of a write) the proxy SIGKILLs the receiver before answering. The exporter sends
 * each export once (retries off), so nothing is ever sent again. After a restart of the receiver,
 * billing (the store's aggregates, per trace and per agent) equals the usage of the model calls
 * stored, exactly.
 *
 * <p>Each kill point is a new agent run of three model calls, exported as Strands' SDK batches
 * them: the {@code chat} spans first (stored under an unknown agent), then the {@code
 * invoke_agent} root (the receiver's trace assembly re-attributes the calls, moving their usage).
 * The receiver restarted after one kill is the victim of the next, so n kill points start n + 1
 * processes. It clusters only with itself: its own free cluster port and member list, and a table
 * of its own (the cluster is named after it).
 */
class BillingCrashIT {
  private static final String SESSION = "session.id";
  private static final Duration READY = Duration.ofMinutes(2);
  private static final String TENANT = ReceiverConfig.DEFAULT_TENANT;

  private final String table = "billing-crash-" + UUID.randomUUID().toString().substring(0, 8);
  private final Path logDir = Path.of("target", "billing-crash-it", table);
  private final HttpClient http = HttpClient.newHttpClient();
  private DynamoDbLocalServer dynamoDbLocal;
  private FaultInjectingDynamoDbProxy proxy;
  private DynamoDbClient direct;
  /** Reads what is stored and billed; never repairs. */
  private DynamoDbTraceStore reader;
  private Receiver receiver;
  private int starts;

  /** Where a receiver dies: in which export, at which request, before or after it lands. */
  private record KillPoint(boolean rootExport, String operation, Predicate<JsonNode> body, boolean forwardIt,
      String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(logDir);
    dynamoDbLocal = DynamoDbLocalServer.start();
    proxy = FaultInjectingDynamoDbProxy.start(dynamoDbLocal.endpoint());
    direct = DynamoDbLocalServer.client(dynamoDbLocal.endpoint());
    reader = DynamoDbTraceStore.create(direct, DynamoDbStoreConfig.builder()
        .tableName(table).repairUsage(false).build());
  }

  @AfterEach
  void stop() throws Exception {
    if (receiver != null) {
      receiver.stop();
    }
    reader.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    direct.close();
    proxy.close();
    dynamoDbLocal.close();
  }

  @Test
  void billingEqualsTheStoredModelCallsAfterAKillAtEachWriteBoundary() throws Exception {
    Predicate<JsonNode> anyBody = body -> true;
    Predicate<JsonNode> modelCall = body -> body.path("Item").has("usage");
    List<KillPoint> points = List.of(
        new KillPoint(false, "PutItem", modelCall, true, "first export: a model call's record stored"),
        new KillPoint(false, "TransactWriteItems", anyBody, false, "first export: before its usage lands"),
        new KillPoint(false, "TransactWriteItems", anyBody, true, "first export: usage landed, answer lost"),
        new KillPoint(true, "PutItem", modelCall, true, "second export: a re-attributed call stored"));

    receiver = startReceiver();
    List<String> traces = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      KillPoint point = points.get(i);
      AgentRun run = AgentRun.record("planner-" + i, i);
      traces.add(run.traceId());
      if (point.rootExport()) {
        assertThat(send(run.children())).as(point + ": the first export, not killed").isTrue();
      }
      Receiver victim = receiver;
      proxy.crashAt(point.operation(), point.body(), 1, point.forwardIt(), victim::kill);
      boolean acknowledged = send(point.rootExport() ? run.root() : run.children());

      assertThat(acknowledged).as(point + ": the export was never acknowledged").isFalse();
      assertThat(proxy.crashed()).as(point + ": killed at its boundary").isTrue();
      assertThat(victim.awaitExit()).as(point + ": SIGKILL's exit status").isEqualTo(128 + 9);
      if (point.forwardIt() && point.operation().equals("PutItem")) {
        assertThat(billed(UsageKind.AGENT)).as(point + ": a call stored that billing does not count (yet)")
            .isNotEqualTo(expectedByAgent(traces));
      }
      proxy.reset();

      receiver = startReceiver(); // its store's start-up pass counts what the dead one left
      for (String traceId : traces) {
        assertBillingEqualsStoredCalls(point, traceId);
      }
      assertThat(billed(UsageKind.AGENT)).as(point + ": per agent, over every run so far")
          .isEqualTo(expectedByAgent(traces));
    }
  }

  private void assertBillingEqualsStoredCalls(KillPoint point, String traceId) throws Exception {
    List<FunctionalRecord> stored = stored(traceId);
    assertThat(billedFor(traceId)).as(point + ": trace " + traceId + " billed as its stored model calls")
        .isEqualTo(TraceUsage.total(stored));
  }

  private List<FunctionalRecord> stored(String traceId) throws Exception {
    return reader.findByTrace(TENANT, traceId).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Usage billedFor(String traceId) throws Exception {
    return billed(UsageKind.TRACE).getOrDefault(traceId, Usage.ZERO);
  }

  private Map<String, Usage> billed(UsageKind kind) throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    return reader.usage(TENANT, kind, today.minusDays(1), today.plusDays(1))
        .toCompletableFuture().get(30, TimeUnit.SECONDS).stream()
        .collect(Collectors.toMap(UsageCell::value, UsageCell::usage, Usage::plus));
  }

  private Map<String, Usage> expectedByAgent(List<String> traces) throws Exception {
    Map<String, Usage> byAgent = new HashMap<>();
    for (String traceId : traces) {
      StoredUsage.byAgent(stored(traceId)).forEach((agent, u) -> byAgent.merge(agent, u, Usage::plus));
    }
    return byAgent;
  }

  /** One export of {@code spans} over OTLP/HTTP, retries off: whether it was acknowledged. */
  private boolean send(List<SpanData> spans) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + receiver.httpPort + "/v1/traces")
        .setTimeout(Duration.ofSeconds(60))
        .setRetryPolicy(null)
        .build();
    try {
      CompletableResultCode result = exporter.export(spans);
      result.join(90, TimeUnit.SECONDS);
      assertThat(result.isDone()).as("the export ended").isTrue();
      return result.isSuccess();
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  /** One agent run of three model calls, recorded with the SDK; exported in two parts. */
  private record AgentRun(String traceId, List<SpanData> children, List<SpanData> root) {
    static AgentRun record(String agent, int seed) {
      InMemorySpanExporter spans = InMemorySpanExporter.create();
      String session = "session-" + UUID.randomUUID();
      List<SpanData> all;
      try (SdkTracerProvider provider = SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()) {
        Tracer tracer = provider.get("billing-crash-it");
        Span run = tracer.spanBuilder("invoke_agent " + agent)
            .setAttribute("gen_ai.operation.name", "invoke_agent")
            .setAttribute("gen_ai.agent.name", agent)
            .setAttribute(SESSION, session)
            .startSpan();
        try (Scope ignored = run.makeCurrent()) {
          run.addEvent("agent_prompt", Attributes.of(AttributeKey.stringKey("agent.prompt"), "Plan it"));
          for (int call = 0; call < 3; call++) {
            Span chat = tracer.spanBuilder("chat")
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.request.model", "claude-sonnet-4-5")
                .setAttribute("gen_ai.usage.input_tokens", 7_882L + 100 * seed + call)
                .setAttribute("gen_ai.usage.output_tokens", 1_027L + 10 * seed + call)
                .setAttribute(SESSION, session)
                .startSpan();
            chat.addEvent("model_request", Attributes.of(AttributeKey.stringKey("model.prompt"), "step " + call));
            chat.addEvent("model_response", Attributes.of(AttributeKey.stringKey("model.response"), "done " + call));
            chat.end();
          }
          run.addEvent("agent_response", Attributes.of(AttributeKey.stringKey("agent.response"), "planned"));
        } finally {
          run.end();
        }
        all = spans.getFinishedSpanItems(); // before the provider's shutdown clears them
      }
      List<SpanData> children = all.stream().filter(s -> s.getParentSpanContext().isValid()).toList();
      List<SpanData> root = all.stream().filter(s -> !s.getParentSpanContext().isValid()).toList();
      return new AgentRun(all.get(0).getTraceId(), children, root);
    }
  }

  private Receiver startReceiver() throws Exception {
    List<Integer> ports = freePorts(4);
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", logDir.toAbsolutePath().toString());
    env.put("TRACEBRIDGE_HOST", "127.0.0.1");
    env.put("TRACEBRIDGE_TABLE", table);
    env.put("TRACEBRIDGE_GRPC_PORT", ports.get(0).toString());
    env.put("TRACEBRIDGE_HTTP_PORT", ports.get(1).toString());
    env.put("TRACEBRIDGE_HEALTH_PORT", ports.get(2).toString());
    env.put("TRACEBRIDGE_CLUSTER_PORT", ports.get(3).toString());
    env.put("TRACEBRIDGE_CLUSTER_MEMBERS", "127.0.0.1:" + ports.get(3));
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", proxy.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    Path log = logDir.resolve("receiver-" + ++starts + ".log");
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), TraceBridge.class.getName(), "receiver")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Receiver started = new Receiver(builder.start(), ports.get(1), ports.get(2), log);
    started.awaitReady(http);
    return started;
  }

  /** A receiver process: its OTLP/HTTP and health ports, its log. */
  private static final class Receiver {
    final Process process;
    final int httpPort;
    final int healthPort;
    final Path log;

    Receiver(Process process, int httpPort, int healthPort, Path log) {
      this.process = process;
      this.httpPort = httpPort;
      this.healthPort = healthPort;
      this.log = log;
    }

    /** Polls {@code /health/ready} until 200 (the store, with its start-up repair, is up by then). */
    void awaitReady(HttpClient http) throws Exception {
      URI ready = URI.create("http://127.0.0.1:" + healthPort + "/health/ready");
      long deadline = System.nanoTime() + READY.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("receiver exited with " + process.exitValue() + ": " + tail());
        }
        try {
          HttpResponse<Void> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(200);
      }
      throw new AssertionError("receiver not ready within " + READY + ": " + tail());
    }

    /** SIGKILL: no shutdown hook, no drain, nothing more reaches the store. */
    void kill() {
      process.destroyForcibly();
    }

    int awaitExit() throws InterruptedException {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("receiver gone").isTrue();
      return process.exitValue();
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
