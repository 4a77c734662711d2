package io.tracebridge.store.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import javax.annotation.Nullable;

/**
 * An HTTP proxy on loopback in front of a DynamoDB endpoint (DynamoDB Local run as a server), that
 * injects what DynamoDB Local never does: throttling, 5xx, dropped connections, unprocessed keys,
 * transaction conflicts, slow answers. Clients talk the real DynamoDB wire protocol (JSON 1.0 over
 * HTTP, operation in the {@code X-Amz-Target} header) to {@link #endpoint()}; every answer is
 * DynamoDB Local's own, DynamoDB Local's rewritten (unprocessed keys), or an error document as
 * DynamoDB sends it ({@code application/x-amz-json-1.0}, {@code __type}, {@code x-amz-crc32}), so
 * the SDK parses it exactly as it would parse DynamoDB's.
 *
 * <p>Tests script it per operation with {@link #on(String)} rules (first matching rule wins; a
 * request no rule takes is forwarded unchanged), and read what clients sent from {@link #calls()}.
 * {@link #crashAtWrite} plays a writer that dies at a chosen write: it is public, with {@link
 * #start}, {@link #endpoint()} and {@link #close()}, for other modules' crash tests (a process
 * killed at that write). Thread-safe; each request runs on its own thread, so a held request
 * blocks no other.
 */
public final class FaultInjectingDynamoDbProxy implements AutoCloseable {
  /** The {@code X-Amz-Target} prefix of DynamoDB's operations. */
  static final String TARGET_PREFIX = "DynamoDB_20120810.";
  /** The namespace of DynamoDB's error types in {@code __type}. */
  static final String ERROR_TYPE_PREFIX = "com.amazonaws.dynamodb.v20120810#";
  static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  /** The operations that change the table, the write boundaries {@link #crashAtWrite} counts. */
  public static final Set<String> WRITES =
      Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Headers java.net.http refuses to set, or that describe one hop only. */
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding",
          "keep-alive", "date", "accept-encoding", "content-encoding");
  private static final Duration HOLD_LIMIT = Duration.ofSeconds(10);

  private final URI target;
  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient upstream;
  private final List<Rule> rules = new ArrayList<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Hold> holds = new CopyOnWriteArrayList<>();
  @Nullable private volatile Crash crash;

  static {
    // The JDK server writes headers and body in separate packets; with Nagle's algorithm on, each
    // answer would wait for the client's delayed ACK (~40 ms). Read once, when the first
    // HttpServer of the JVM starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private FaultInjectingDynamoDbProxy(URI target) throws IOException {
    this.target = target;
    AtomicInteger ids = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "dynamodb-fault-proxy-" + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.upstream = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(threads)
        .build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
  }

  /** A proxy on a free loopback port, forwarding to {@code target} (for example DynamoDB Local). */
  public static FaultInjectingDynamoDbProxy start(URI target) {
    try {
      FaultInjectingDynamoDbProxy proxy = new FaultInjectingDynamoDbProxy(target);
      proxy.server.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where clients send their requests. */
  public URI endpoint() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  /**
   * A rule for the requests of {@code operation} ({@code "PutItem"}): for all of them unless
   * narrowed with {@link Rule#when} and {@link Rule#times}; it takes effect with {@link Rule#reply}.
   */
  Rule on(String operation) {
    return new Rule(operation);
  }

  /**
   * From now on the proxy plays a writer's death at its {@code n}th write (1-based, counting every
   * request of one of {@link #WRITES}): that write reaches DynamoDB first if {@code forwardIt}
   * (the write took effect, its answer never came) or never does; then {@code onCrash} runs (for
   * example: kill the process that sent it) and that request and every later one, of any kind,
   * get a dropped connection, so nothing more of that writer reaches the table. Requests are
   * handled one at a time while a crash is armed, so "the nth write" is the nth to arrive.
   * {@link #reset()} disarms it and lets requests through again.
   */
  public void crashAtWrite(int n, boolean forwardIt, Runnable onCrash) {
    crashAt(WRITES::contains, body -> true, n, forwardIt, onCrash);
  }

  /**
   * {@link #crashAtWrite}, counting only the requests of {@code operation} whose JSON body {@code
   * body} accepts: say the first PutItem of an item with {@code usage}.
   */
  public void crashAt(String operation, Predicate<JsonNode> body, int n, boolean forwardIt, Runnable onCrash) {
    crashAt(operation::equals, body, n, forwardIt, onCrash);
  }

  private void crashAt(Predicate<String> operation, Predicate<JsonNode> body, int n, boolean forwardIt,
      Runnable onCrash) {
    if (n < 1) {
      throw new IllegalArgumentException("requests count from 1: " + n);
    }
    crash = new Crash(call -> operation.test(call.operation()) && body.test(call.body()), n, forwardIt, onCrash);
  }

  /** Whether an armed {@link #crashAtWrite} has happened. */
  public boolean crashed() {
    Crash c = crash;
    return c != null && c.happened;
  }

  /** How many writes ({@link #WRITES}) arrived since the last {@link #reset()}. */
  public int writes() {
    return (int) calls.stream().filter(c -> WRITES.contains(c.operation())).count();
  }

  /** Drops every rule, an armed crash and the log of calls, and lets held requests go on. */
  public void reset() {
    synchronized (rules) {
      rules.clear();
    }
    crash = null;
    holds.forEach(Hold::release);
    holds.clear();
    calls.clear();
  }

  /** Every request received since the last {@link #reset()}, in order of arrival. */
  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The requests for {@code operation} ({@code "PutItem"}), in order of arrival. */
  List<Call> calls(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation)).toList();
  }

  /** Stops at once: held requests are let go, clients then find the port closed. */
  @Override
  public void close() {
    crash = null;
    holds.forEach(Hold::release);
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation = amzTarget != null && amzTarget.startsWith(TARGET_PREFIX)
          ? amzTarget.substring(TARGET_PREFIX.length())
          : String.valueOf(amzTarget);
      JsonNode json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
      Call call = new Call(operation, json);
      calls.add(call);
      Upstream forward = () -> forward(exchange, body);
      Reply reply;
      try {
        Crash armed = crash;
        reply = armed != null ? armed.handle(call, forward) : actionFor(call).handle(call, forward);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reply = Reply.DISCONNECT;
      } catch (IOException | RuntimeException e) {
        // A broken action or an unreachable DynamoDB Local: visible in the log and as a 500.
        new AssertionError("fault proxy failed on " + call, e).printStackTrace();
        reply = error(500, "InternalServerError", "fault proxy: " + e).handle(call, forward);
      }
      call.status = reply == Reply.DISCONNECT ? -1 : reply.status();
      send(exchange, reply);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Action actionFor(Call call) {
    synchronized (rules) {
      for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
        Rule rule = it.next();
        if (rule.operation.equals(call.operation()) && rule.when.test(call)) {
          if (--rule.remaining == 0) {
            it.remove();
          }
          return rule.action;
        }
      }
    }
    return forward();
  }

  private Reply forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
        .timeout(Duration.ofSeconds(10))
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(v -> request.header(name, v));
      }
    });
    HttpResponse<byte[]> response = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    response.headers().map().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
        headers.put(name, values);
      }
    });
    return new Reply(response.statusCode(), headers, response.body());
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    if (reply == Reply.DISCONNECT) {
      // Closing an exchange before its response headers closes the connection: the client sees
      // the connection end where it expects a response (an I/O error, as after a reset).
      exchange.close();
      return;
    }
    reply.headers().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
    exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply.body());
    }
  }

  // ---- actions ----

  /** What the proxy does with one request. */
  @FunctionalInterface
  interface Action {
    Reply handle(Call call, Upstream upstream) throws IOException, InterruptedException;
  }

  /** Sends the request on to DynamoDB Local and returns its answer. */
  @FunctionalInterface
  interface Upstream {
    Reply forward() throws IOException, InterruptedException;
  }

  /** An HTTP answer; {@link #DISCONNECT} closes the connection instead of answering. */
  record Reply(int status, Map<String, List<String>> headers, byte[] body) {
    static final Reply DISCONNECT = new Reply(0, Map.of(), new byte[0]);

    /** A DynamoDB JSON answer with its CRC32, as the service sends it. */
    static Reply json(int status, JsonNode body) {
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      CRC32 crc = new CRC32();
      crc.update(bytes);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      headers.put("Content-Type", List.of(CONTENT_TYPE));
      headers.put("x-amzn-RequestId", List.of(UUID.randomUUID().toString()));
      headers.put("x-amz-crc32", List.of(Long.toString(crc.getValue())));
      return new Reply(status, headers, bytes);
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Forwards unchanged (what a request no rule takes gets). */
  static Action forward() {
    return (call, upstream) -> upstream.forward();
  }

  /**
   * Answers with DynamoDB's error document: HTTP {@code status}, {@code __type} {@code
   * com.amazonaws.dynamodb.v20120810#{type}}; nothing reaches DynamoDB Local.
   */
  static Action error(int status, String type, String message) {
    return (call, upstream) -> Reply.json(status, errorBody(type, message));
  }

  /** {@code ProvisionedThroughputExceededException}, HTTP 400, with DynamoDB's message. */
  static Action throttled() {
    return error(400, "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. "
            + "Consider increasing your provisioning level with the UpdateTable API.");
  }

  /** Forwards, so the request takes effect, then answers {@code status} / {@code type} anyway. */
  static Action forwardThenError(int status, String type, String message) {
    return (call, upstream) -> {
      upstream.forward();
      return Reply.json(status, errorBody(type, message));
    };
  }

  /** Closes the connection instead of answering, without forwarding: an I/O error on the client. */
  static Action disconnect() {
    return (call, upstream) -> Reply.DISCONNECT;
  }

  /**
   * A TransactWriteItems cancelled as DynamoDB cancels it: HTTP 400 {@code
   * TransactionCanceledException} with one {@code CancellationReasons} entry per action of the
   * request, {@code code} for the action at {@code index} and {@code None} for the others.
   */
  static Action transactionCanceled(int index, String code, String message) {
    return (call, upstream) -> {
      int actions = Math.max(call.body().path("TransactItems").size(), index + 1);
      ObjectNode body = errorBody("TransactionCanceledException", null);
      ArrayNode reasons = body.putArray("CancellationReasons");
      List<String> codes = new ArrayList<>();
      for (int i = 0; i < actions; i++) {
        ObjectNode reason = reasons.addObject();
        if (i == index) {
          reason.put("Code", code).put("Message", message);
        } else {
          reason.put("Code", "None");
        }
        codes.add(i == index ? code : "None");
      }
      body.put("message", "Transaction cancelled, please refer cancellation reasons for specific reasons "
          + codes.stream().collect(Collectors.joining(", ", "[", "]")));
      return Reply.json(400, body);
    };
  }

  /**
   * For BatchGetItem: forwards, then moves {@code count} of each table's requested keys (the last
   * ones; all if fewer) from the answer to {@code UnprocessedKeys}, as DynamoDB does when it runs
   * out of capacity or response size. The moved keys keep the request's other parameters.
   */
  static Action unprocessedKeys(int count) {
    return (call, upstream) -> {
      Reply reply = upstream.forward();
      if (reply.status() != 200) {
        return reply;
      }
      ObjectNode answer = (ObjectNode) reply.json();
      ObjectNode responses = answer.has("Responses")
          ? (ObjectNode) answer.get("Responses") : answer.putObject("Responses");
      ObjectNode unprocessed = JSON.createObjectNode();
      call.body().path("RequestItems").properties().forEach(table -> {
        JsonNode keys = table.getValue().path("Keys");
        int from = Math.max(0, keys.size() - count);
        ObjectNode moved = table.getValue().deepCopy();
        ArrayNode movedKeys = moved.putArray("Keys");
        for (int i = from; i < keys.size(); i++) {
          movedKeys.add(keys.get(i));
        }
        if (!movedKeys.isEmpty()) {
          unprocessed.set(table.getKey(), moved);
          JsonNode items = responses.path(table.getKey());
          ArrayNode kept = JSON.createArrayNode();
          for (JsonNode item : items) {
            if (!containsKeyOf(movedKeys, item)) {
              kept.add(item);
            }
          }
          responses.set(table.getKey(), kept);
        }
      });
      answer.set("UnprocessedKeys", unprocessed);
      return Reply.json(200, answer);
    };
  }

  private static boolean containsKeyOf(ArrayNode keys, JsonNode item) {
    for (JsonNode key : keys) {
      boolean all = true;
      for (Map.Entry<String, JsonNode> attribute : key.properties()) {
        all &= attribute.getValue().equals(item.get(attribute.getKey()));
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode errorBody(String type, @Nullable String message) {
    ObjectNode body = JSON.createObjectNode().put("__type", ERROR_TYPE_PREFIX + type);
    if (message != null) {
      body.put("message", message);
    }
    return body;
  }

  /**
   * Holds each request it takes until {@link #release()} (at most 10 s, then the request fails
   * with a dropped connection), then forwards it. Register with {@link Rule#reply} and {@link
   * #awaitArrivals} to know when requests are held.
   */
  final class Hold implements Action {
    private final CountDownLatch released = new CountDownLatch(1);
    private final Semaphore arrivals = new Semaphore(0);

    private Hold() {
      holds.add(this);
    }

    @Override
    public Reply handle(Call call, Upstream upstream) throws IOException, InterruptedException {
      arrivals.release();
      if (!released.await(HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        return Reply.DISCONNECT;
      }
      return upstream.forward();
    }

    /** Waits until {@code n} requests are held (fails after 10 s). */
    void awaitArrivals(int n) throws InterruptedException {
      if (!arrivals.tryAcquire(n, HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("fewer than " + n + " requests reached the hold");
      }
      arrivals.release(n);
    }

    void release() {
      released.countDown();
    }
  }

  /** The action of {@link #crashAtWrite}: forwards until the nth boundary, then nothing. */
  private static final class Crash implements Action {
    private final Predicate<Call> boundary;
    private final int at;
    private final boolean forwardIt;
    private final Runnable onCrash;
    private int seen;
    volatile boolean happened;

    Crash(Predicate<Call> boundary, int at, boolean forwardIt, Runnable onCrash) {
      this.boundary = boundary;
      this.at = at;
      this.forwardIt = forwardIt;
      this.onCrash = onCrash;
    }

    @Override
    public synchronized Reply handle(Call call, Upstream upstream) throws IOException, InterruptedException {
      if (happened) {
        return Reply.DISCONNECT;
      }
      if (!boundary.test(call) || ++seen < at) {
        return upstream.forward();
      }
      if (forwardIt) {
        upstream.forward();
      }
      happened = true;
      onCrash.run();
      return Reply.DISCONNECT;
    }
  }

  /** A new {@link Hold}, released by {@link #reset()} and {@link #close()} at the latest. */
  Hold hold() {
    return new Hold();
  }

  /** A scripted answer for one operation; built with the fluent methods, armed by {@link #reply}. */
  final class Rule {
    private final String operation;
    private Predicate<Call> when = call -> true;
    private int remaining = -1;
    private Action action = forward();

    private Rule(String operation) {
      this.operation = operation;
    }

    /** Only requests {@code when} accepts. */
    Rule when(Predicate<Call> when) {
      this.when = when;
      return this;
    }

    /** Only the next {@code n} requests it takes; then the rule is gone. */
    Rule times(int n) {
      this.remaining = n;
      return this;
    }

    /** Only the next request it takes. */
    Rule once() {
      return times(1);
    }

    /** Answers with {@code action} from now on, after the rules armed before it. */
    Rule reply(Action action) {
      synchronized (rules) {
        this.action = action;
        rules.add(this);
      }
      return this;
    }
  }

  /** One request as received: its operation and JSON body, and the status it was answered with. */
  static final class Call {
    private final String operation;
    private final JsonNode body;
    /** The answer's HTTP status; 0 while unanswered; -1 for a dropped connection. */
    volatile int status;

    Call(String operation, JsonNode body) {
      this.operation = operation;
      this.body = body;
    }

    String operation() {
      return operation;
    }

    JsonNode body() {
      return body;
    }

    int status() {
      return status;
    }

    /** {@code Item.{attribute}.S} of a PutItem, or null. */
    @Nullable
    String itemString(String attribute) {
      JsonNode value = body.path("Item").path(attribute).path("S");
      return value.isMissingNode() ? null : value.asText();
    }

    @Override
    public String toString() {
      return operation + " " + status + " " + body;
    }
  }
}
