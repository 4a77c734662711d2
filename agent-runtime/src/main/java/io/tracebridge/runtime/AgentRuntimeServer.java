package io.tracebridge.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.OpenTelemetry;
import io.tracebridge.billing.PriceTable;
import io.tracebridge.runtime.agent.Agent;
import io.tracebridge.runtime.agent.AgentInvocationException;
import io.tracebridge.runtime.agent.AgentRequest;
import io.tracebridge.runtime.agent.AgentResult;
import io.tracebridge.runtime.agent.HookProvider;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.hooks.SessionContextHook;
import io.tracebridge.runtime.hooks.TelemetryCaptureHook;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.telemetry.LegacyTraces;
import io.tracebridge.runtime.telemetry.TraceCapture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.tracebridge.runtime.telemetry.TraceHeaders;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AgentCore HTTP protocol on Vert.x: {@code GET /ping} and {@code POST /invocations}, the
 * latter in both payload shapes of the seeds (flat {@code {prompt, session_id}} and nested {@code
 * {input:{prompt, session_id, session_attributes, ...}}}); see the module README for the exact
 * payloads.
 *
 * <p>Handlers run on the event loop and only parse and write JSON; the agent runs on the named
 * worker pool {@value #WORKER_POOL} ({@value #WORKER_POOL_SIZE} threads). A bad request gets a 400
 * with a reason; an agent failure a 500; the server keeps serving. Lifecycle methods return
 * futures and may be called from any thread.
 */
public final class AgentRuntimeServer {
  public static final String WORKER_POOL = "agent-runtime-invocations";
  public static final int WORKER_POOL_SIZE = 16;
  /** Largest accepted request body, in bytes; larger ones get 413. */
  public static final long BODY_LIMIT_BYTES = 1024 * 1024;
  static final String NO_PROMPT = "No prompt provided";
  /** Prices for the {@code cost} of each {@code requested_models} result. */
  private static final PriceTable PRICES = PriceTable.bundled();
    /** Most models one {@code requested_models} invocation may name. */
  public static final int MAX_REQUESTED_MODELS = 10;
  /** AgentCore's session header: the runtime session a request belongs to. */
  public static final String SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";

  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntimeServer.class);

  private final Vertx vertx;
  private final RuntimeConfig config;
  private final Agent agent;
  @Nullable private final TraceCapture capture;
  private volatile @Nullable HttpServer server;
  private volatile @Nullable WorkerExecutor workers;
  private final HealthStatus health = new HealthStatus(Clock.systemUTC());

  private AgentRuntimeServer(
      Vertx vertx, RuntimeConfig config, Agent agent, @Nullable TraceCapture capture) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.agent = Objects.requireNonNull(agent, "agent");
    this.capture = capture;
  }

  /**
   * A server running an agent built from {@code config} with {@code model} and {@code tools},
   * tracing through {@code openTelemetry} with a {@link TelemetryCaptureHook}. Requests' session
   * attributes reach tools through a per-request {@link SessionContextHook}.
   */
  public static AgentRuntimeServer create(
      Vertx vertx, RuntimeConfig config, OpenTelemetry openTelemetry, ToolRegistry tools, Model model) {
    return create(vertx, config, openTelemetry, tools, model, id -> {
      throw new IllegalArgumentException("model '" + id + "' is not available in this runtime");
    });
  }

  /**
   * As {@link #create(Vertx, RuntimeConfig, OpenTelemetry, ToolRegistry, Model)}, with {@code
   * models} resolving a request's {@code model_id} other than the default model's. The {@link
   * TelemetryCaptureHook} emits its events also as live log records through {@code openTelemetry};
   * the span content events follow {@link RuntimeConfig#semconvMode()}.
   */
  public static AgentRuntimeServer create(
      Vertx vertx,
      RuntimeConfig config,
      OpenTelemetry openTelemetry,
      ToolRegistry tools,
      Model model,
      Function<String, Model> models) {
    Agent agent =
        Agent.builder()
            .model(model)
            .modelResolver(models)
            .semconv(config.semconvMode())
            .tools(tools)
            .openTelemetry(openTelemetry)
            .agentName(config.agentName())
            .systemPrompt(config.systemPrompt())
            .maxIterations(config.maxIterations())
            .maxTokens(config.maxTokens())
            .maxTokensByModel(maxTokensByModel(config, model))
            .addHook(new TelemetryCaptureHook(openTelemetry))
            .build();
    return create(vertx, config, agent);
  }

  /** {@code MODEL_MAX_TOKENS}, its {@code MODEL_ID} entry also under the default model's own id. */
  private static Map<String, Integer> maxTokensByModel(RuntimeConfig config, Model model) {
    Map<String, Integer> byModel = new LinkedHashMap<>(config.modelMaxTokens());
    Integer forDefault = byModel.get(config.modelId());
    if (forDefault != null) {
      byModel.putIfAbsent(model.modelId(), forDefault);
    }
    return byModel;
  }

  /** A server in front of an agent built elsewhere (for extra hooks); {@code config} gives the port. */
  public static AgentRuntimeServer create(Vertx vertx, RuntimeConfig config, Agent agent) {
    return new AgentRuntimeServer(vertx, config, agent, null);
  }

  /**
   * This server, whose nested-shape replies fill {@code output.traces} with the legacy objects of
   * the invocation's own spans, as the seed's API did. {@code capture} must be one of the span
   * processors of the tracer provider the agent traces through (see {@link TraceCapture}).
   * Without it (the other factories) {@code output.traces} is empty.
   */
  public AgentRuntimeServer withTraceCapture(TraceCapture capture) {
    if (server != null) {
      throw new IllegalStateException("configure the server before starting it");
    }
    return new AgentRuntimeServer(vertx, config, agent, Objects.requireNonNull(capture, "capture"));
  }

  /** Binds the port and completes with the bound port (useful with port 0). Call once. */
  public Future<Integer> start() {
    if (server != null) {
      return Future.failedFuture(new IllegalStateException("server already started"));
    }
    Router router = Router.router(vertx);
    router.route().handler(new RequestLogHandler(
        config.jsonLogs() ? RequestLogHandler.Format.JSON : RequestLogHandler.Format.TEXT, config.logBodyChars()));
    router.route().handler(BodyHandler.create().setBodyLimit(BODY_LIMIT_BYTES));
    router.get("/ping").handler(this::ping);
    router.post("/invocations").handler(this::invocations);
    router.route().last().handler(ctx -> reply(ctx, 404, error("Not found: " + ctx.request().method() + " " + ctx.request().path())));
    router.route().failureHandler(this::failure);
    WorkerExecutor pool = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_POOL_SIZE);
    workers = pool;
    HttpServer http = vertx.createHttpServer().requestHandler(router);
    server = http;
    return http.listen(config.port(), config.host())
        .map(
            s -> {
              LOG.info("agent-runtime bound port {} ({})", s.actualPort(), config);
              return s.actualPort();
            });
  }

  /** The bound port. @throws IllegalStateException before {@link #start()} */
  public int port() {
    HttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("server not started");
    }
    return s.actualPort();
  }

  /** Stops accepting requests, then closes the worker pool (in-flight invocations finish first). */
  public Future<Void> close() {
    HttpServer s = server;
    WorkerExecutor w = workers;
    Future<Void> closed = s == null ? Future.succeededFuture() : s.close();
    return closed
        .eventually(() -> w == null ? Future.succeededFuture() : w.close())
        .onComplete(r -> LOG.info("agent-runtime stopped"));
  }

  private void ping(RoutingContext ctx) {
    ObjectNode body = Json.object().put("status", health.status()).put("time_of_last_update", health.timeOfLastUpdate());
    reply(ctx, 200, body);
  }

  private void invocations(RoutingContext ctx) {
    JsonNode body;
    try {
      String text = ctx.body().asString();
      body = text == null || text.isBlank() ? null : Json.read(text);
    } catch (JsonProcessingException e) {
      reply(ctx, 400, error("Malformed JSON: " + e.getOriginalMessage()));
      return;
    }
    if (body == null || !body.isObject()) {
      reply(ctx, 400, error("Request body must be a JSON object"));
      return;
    }
    JsonNode input = body.get("input");
    if (input == null) {
      flat(ctx, body);
    } else if (input.isObject()) {
      nested(ctx, input);
    } else {
      reply(ctx, 400, error("'input' must be a JSON object"));
    }
  }

  /** {@code {prompt, session_id?, session_attributes?, stream?}}. */
  private void flat(RoutingContext ctx, JsonNode body) {
    String prompt = text(body, "prompt");
    if (prompt == null) {
      reply(ctx, 400, error(NO_PROMPT));
      return;
    }
    String invocationId = UUID.randomUUID().toString();
    JsonNode requested = body.has("requested_models") ? body.get("requested_models") : body.get("requestedModels");
    if (requested != null) {
      requestedModels(ctx, prompt, body, invocationId, requested);
      return;
    }
    if (body.path("stream").asBoolean(false)) {
      stream(ctx, prompt, body, invocationId);
      return;
    }
    AgentRequest request = request(ctx, prompt, body, text(body, "agent_id"), List.of());
    run(ctx, request)
        .onSuccess(captured -> reply(ctx, 200, flatReply(invocationId, captured.value())))
        .onFailure(e -> reply(ctx, status(e), withTraceId(error(describe(e)), e)));
  }

  /** {@code "stream": true}: the run as server-sent events ({@link EventStream}), the flat reply last. */
  private void stream(RoutingContext ctx, String prompt, JsonNode body, String invocationId) {
    EventStream events = new EventStream(ctx.response(), vertx.getOrCreateContext());
    AgentRequest request = request(ctx, prompt, body, text(body, "agent_id"), List.of(events));
    run(ctx, request)
        .onSuccess(captured -> events.end(flatReply(invocationId, captured.value()).put("type", "done")))
        .onFailure(e -> {
          if (events.started()) {
            events.end(withTraceId(error(describe(e)).put("type", "error"), e));
          } else {
            reply(ctx, status(e), withTraceId(error(describe(e)), e));
          }
        });
  }

  /**
   * The seed's {@code requestedModels}: one prompt on each model, each its own run (its own {@code
   * invoke_agent} span, concurrently, in the session {@code <session>/<model id>} so the models'
   * conversations stay apart), answered together in the requested order. A model that fails or is
   * unknown gets an {@code error} entry; the others' results are kept.
   */
  private void requestedModels(RoutingContext ctx, String prompt, JsonNode body, String invocationId, JsonNode requested) {
    List<String> models = new java.util.ArrayList<>();
    if (requested.isArray()) {
      requested.forEach(m -> models.add(m.isTextual() ? m.asText().trim() : ""));
    }
    if (models.isEmpty() || models.size() > MAX_REQUESTED_MODELS || models.contains("") || new java.util.HashSet<>(models).size() != models.size()) {
      reply(ctx, 400, error("requested_models must be an array of 1 to " + MAX_REQUESTED_MODELS + " distinct model ids"));
      return;
    }
    AgentRequest base = request(ctx, prompt, body, text(body, "agent_id"), List.of());
    List<Future<TraceCapture.Captured<AgentResult>>> runs = new java.util.ArrayList<>();
    for (String model : models) {
      runs.add(run(ctx, new AgentRequest(prompt, base.sessionId() + "/" + model, base.agentId(), base.hooks(), model)));
    }
    Future.join(runs).onComplete(done -> {
      ObjectNode out = Json.object().put("invocation_id", invocationId).put("session_id", base.sessionId());
      com.fasterxml.jackson.databind.node.ArrayNode results = out.putArray("results");
      for (int i = 0; i < models.size(); i++) {
        Future<TraceCapture.Captured<AgentResult>> run = runs.get(i);
        ObjectNode entry = run.succeeded()
            ? withCost(flatReply(invocationId, run.result().value()).without(List.of("invocation_id")),
                models.get(i), run.result().value().usage())
            : withTraceId(error(describe(run.cause())), run.cause());
        results.add(Json.object().put("model_id", models.get(i)).setAll(entry));
      }
      ctx.response().putHeader(SESSION_HEADER, base.sessionId());
      reply(ctx, 200, out);
    });
  }

  /**
   * {@code cost}: what {@code usage} costs on {@code model} by the bundled price table (trace-api's,
   * the one billing uses), so the caller can pick the cheapest model that passed; null, with
   * {@code prices_as_of}, when the table does not know the model.
   */
  private static ObjectNode withCost(ObjectNode entry, String model, Usage usage) {
    ObjectNode cost = entry.putObject("cost");
    PRICES.cost(model, usage)
        .ifPresentOrElse(amount -> cost.put("amount", amount), () -> cost.putNull("amount"));
    cost.put("currency", PRICES.currency()).put("prices_as_of", PRICES.pricesAsOf());
    return entry;
  }

  private static ObjectNode flatReply(String invocationId, AgentResult result) {
    ObjectNode out = Json.object();
    out.put("invocation_id", invocationId)
        .put("session_id", result.sessionId())
        .put("response", result.text())
        .put("stop_reason", result.stopReason().wireName());
    out.putObject("usage")
        .put("input_tokens", result.usage().inputTokens())
        .put("output_tokens", result.usage().outputTokens())
        .put("total_tokens", result.usage().totalTokens());
    out.put("iterations", result.iterations());
    return withTraceIds(out, result.traceId());
  }

  /** 400 for a request naming an unknown model, 500 for an agent failure. */
  private static int status(Throwable e) {
    return e instanceof IllegalArgumentException ? 400 : 500;
  }

  /** {@code {input:{prompt, session_id, session_attributes, model_id, agent_id, memory_id}}}. */
  private void nested(RoutingContext ctx, JsonNode input) {
    String prompt = text(input, "prompt");
    if (prompt == null) {
      reply(ctx, 200, nestedFailure(NO_PROMPT));
      return;
    }
    AgentRequest request = request(ctx, prompt, input, text(input, "agent_id"), List.of());
    run(ctx, request)
        .onSuccess(
            captured -> {
              AgentResult result = captured.value();
              ObjectNode out = Json.object();
              ObjectNode output = out.putObject("output");
              output.put("message", result.text());
              output.set("traces", LegacyTraces.of(captured.spans()));
              withTraceIds(output, result.traceId());
              out.put("success", true);
              reply(ctx, 200, out);
            })
        .onFailure(e -> reply(ctx, status(e), withTraceId(nestedFailure(describe(e)), e)));
  }

  /**
   * The request's session is AgentCore's {@value #SESSION_HEADER} when sent (the session AgentCore
   * routes to this micro-VM), else the payload's {@code session_id}, else a new one.
   */
  private AgentRequest request(
      RoutingContext ctx, String prompt, JsonNode fields, @Nullable String agentId, List<HookProvider> extraHooks) {
    String header = ctx.request().getHeader(SESSION_HEADER);
    String sessionId = header != null && !header.isBlank() ? header.trim() : text(fields, "session_id");
    List<HookProvider> hooks = new java.util.ArrayList<>(extraHooks);
    hooks.add(0, new SessionContextHook(attributes(fields.path("session_attributes"))));
    return new AgentRequest(
        prompt, sessionId == null ? UUID.randomUUID().toString() : sessionId, agentId, hooks, text(fields, "model_id"));
  }

  /**
   * Runs the agent on the worker pool as a child of the caller's trace ({@link TraceHeaders}),
   * capturing its spans when the server has a {@link TraceCapture}, and counts it as running for
   * {@code /ping} from now until it ends. The reply echoes the session in {@value #SESSION_HEADER}.
   */
  private Future<TraceCapture.Captured<AgentResult>> run(RoutingContext ctx, AgentRequest request) {
    WorkerExecutor pool = Objects.requireNonNull(workers, "workers");
    Context parent = TraceHeaders.parent(ctx.request()::getHeader);
    TraceCapture spans = capture;
    ctx.response().putHeader(SESSION_HEADER, request.sessionId());
    health.begin();
    return pool.<TraceCapture.Captured<AgentResult>>executeBlocking(
            () -> {
              try (Scope ignored = parent.makeCurrent()) {
                return spans == null
                    ? new TraceCapture.Captured<>(agent.invoke(request), List.of())
                    : spans.during(() -> agent.invoke(request));
              }
            },
            false)
        .andThen(done -> health.end());
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode() < 0 ? 500 : ctx.statusCode();
    String message =
        status == 413
            ? "Request body larger than " + BODY_LIMIT_BYTES + " bytes"
            : ctx.failure() == null ? "HTTP " + status : describe(ctx.failure());
    if (status >= 500) {
      LOG.warn("request failed with {}", status, ctx.failure());
    }
    reply(ctx, status, error(message));
  }

  private static Map<String, String> attributes(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        JsonNode v = e.getValue();
        if (!v.isNull()) {
          out.put(e.getKey(), v.isValueNode() ? v.asText() : Json.write(v));
        }
      }
    }
    return out;
  }

  /** A non-blank string field, or null. */
  private static @Nullable String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
  }

  private static ObjectNode error(String message) {
    return Json.object().put("error", message);
  }

  private static ObjectNode nestedFailure(String message) {
    ObjectNode out = Json.object();
    ObjectNode output = out.putObject("output");
    output.put("message", "");
    output.putArray("sources");
    output.putArray("traces");
    out.put("success", false).put("error", message);
    return out;
  }

  private static ObjectNode withTraceId(ObjectNode body, Throwable e) {
    return e instanceof AgentInvocationException failed ? withTraceIds(body, failed.traceId()) : body;
  }

  /** {@code trace_id} (32 hex, OpenTelemetry) and {@code xray_trace_id} ({@code 1-8hex-24hex}). */
  private static ObjectNode withTraceIds(ObjectNode body, String traceId) {
    return body.put("trace_id", traceId).put("xray_trace_id", TraceHeaders.xrayTraceId(traceId));
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private static void reply(RoutingContext ctx, int status, ObjectNode body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(Json.write(body));
  }
}
