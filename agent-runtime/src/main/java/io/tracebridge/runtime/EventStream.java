package io.tracebridge.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.agent.AfterModelCallEvent;
import io.tracebridge.runtime.agent.AfterToolCallEvent;
import io.tracebridge.runtime.agent.BeforeToolCallEvent;
import io.tracebridge.runtime.agent.HookProvider;
import io.tracebridge.runtime.agent.HookRegistry;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.internal.Json;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

/**
 * A {@code "stream": true} reply: server-sent events ({@code text/event-stream}, one {@code data:
 * <json>} event per step, as AgentCore's streaming protocol frames them), written while the agent
 * runs.
 *
 * <p>Events, in the order they happen: {@code {"type":"text","text"}} for each text block of each
 * model turn (the models are called non-streaming, so a delta is a turn's text, not a token),
 * {@code {"type":"tool_use","name","tool_use_id","input"}} before a tool runs (the model's input,
 * without session attributes), {@code {"type":"tool_result","tool_use_id","status","content"}}
 * after, and last {@code {"type":"done", ...the flat reply's fields}} or {@code {"type":"error",
 * "error", "trace_id"?}}.
 *
 * <p>The hooks fire on the worker thread; each event is handed to the request's event loop
 * ({@link Context#runOnContext}, which keeps their order), where the response is written. The
 * status and headers go out with the first event, so a run failing before any step still gets a
 * plain JSON error ({@link #started()}).
 */
final class EventStream implements HookProvider {
  private final HttpServerResponse response;
  private final Context context;
  private volatile boolean started;

  /** Call on the request's event loop. */
  EventStream(HttpServerResponse response, Context context) {
    this.response = response;
    this.context = context;
  }

  @Override
  public void registerHooks(HookRegistry registry) {
    registry.addCallback(AfterModelCallEvent.class, this::modelTurn);
    registry.addCallback(BeforeToolCallEvent.class, this::toolUse);
    registry.addCallback(AfterToolCallEvent.class, this::toolResult);
  }

  private void modelTurn(AfterModelCallEvent event) {
    if (event.response() == null) {
      return;
    }
    for (ContentBlock block : event.response().content()) {
      if (block instanceof ContentBlock.Text text && !text.text().isEmpty()) {
        send(Json.object().put("type", "text").put("text", text.text()));
      }
    }
  }

  private void toolUse(BeforeToolCallEvent event) {
    ContentBlock.ToolUse use = event.toolUse();
    ObjectNode out = Json.object().put("type", "tool_use").put("name", use.name()).put("tool_use_id", use.toolUseId());
    out.set("input", use.input());
    send(out);
  }

  private void toolResult(AfterToolCallEvent event) {
    send(Json.object()
        .put("type", "tool_result")
        .put("tool_use_id", event.toolUse().toolUseId())
        .put("status", event.result().status().wireName())
        .put("content", event.result().content()));
  }

  /** Whether an event went out (the status is then 200 whatever follows). */
  boolean started() {
    return started;
  }

  /** Queues {@code event} for the response; from any thread. */
  void send(ObjectNode event) {
    started = true;
    String frame = "data: " + Json.write(event) + "\n\n";
    context.runOnContext(v -> {
      if (response.ended() || response.closed()) {
        return;
      }
      if (!response.headWritten()) {
        response.setStatusCode(200).setChunked(true)
            .putHeader("content-type", "text/event-stream")
            .putHeader("cache-control", "no-cache");
      }
      response.write(frame);
    });
  }

  /** Sends {@code last} and ends the response; on the event loop, after every queued event. */
  void end(ObjectNode last) {
    send(last);
    context.runOnContext(v -> {
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    });
  }
}
