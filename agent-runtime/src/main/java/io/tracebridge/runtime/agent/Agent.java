package io.tracebridge.runtime.agent;

import static io.tracebridge.runtime.telemetry.GenAiAttributes.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.tracebridge.runtime.telemetry.ClientSpans;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolRegistry;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.core.ToolStatus;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.telemetry.SemconvMode;
import io.tracebridge.runtime.telemetry.StrandsContentEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * The agent loop of the runtime seed, traced like Strands.
 *
 * <p>{@link #invoke} appends the prompt to the session's conversation, then for up to {@code
 * maxIterations} cycles calls the model and, when it asks for tools, runs each tool and appends the
 * results. It stops on {@code end_turn}, {@code max_tokens}, {@code stop_sequence} (or a turn with
 * no tool use); when the limit is hit the stop reason is {@link AgentStopReason#MAX_ITERATIONS}.
 *
 * <p>Spans: {@code invoke_agent {name}} → per cycle {@code execute_event_loop_cycle} → {@code chat}
 * and {@code execute_tool {tool}}. Each span is current while its hooks fire. {@code session.id},
 * {@code gen_ai.agent.name} and {@code gen_ai.agent.id} are on every span, and so are {@code
 * gen_ai.event.start_time}/{@code end_time} and either {@code gen_ai.system} or {@code
 * gen_ai.provider.name} (by {@link SemconvMode}). The spans carry Strands' content events in the
 * chosen mode ({@link StrandsContentEvents}).
 *
 * <p>Hooks: {@link AgentInitializedEvent} once at build time (agent hooks only); per invocation
 * {@link BeforeInvocationEvent}, {@link MessageAddedEvent} for each message joining the
 * conversation, {@link BeforeModelCallEvent}/{@link AfterModelCallEvent}, {@link
 * BeforeToolCallEvent}/{@link AfterToolCallEvent}, {@link AfterInvocationEvent}.
 *
 * <p>Models: the default model, or per request ({@link AgentRequest#modelId()}) the one the
 * model resolver returns for that id.
 *
 * <p>Thread-safe: invocations run concurrently, but invocations of the same session are serialised.
 * {@code invoke} blocks (model and tool calls) and must not run on an event loop. A tool failure is
 * not an invocation failure: it becomes an error tool result the model sees. A model or hook
 * failure throws {@link AgentInvocationException} and leaves the conversation unchanged.
 */
public final class Agent {
  /** Instrumentation scope name of the runtime's tracer. */
  public static final String TRACER_NAME = "io.tracebridge.runtime";
  public static final int DEFAULT_MAX_ITERATIONS = 10;
  public static final int DEFAULT_MAX_TOKENS = 4096;
  public static final int DEFAULT_CONVERSATION_CAPACITY = 1_000;
  public static final String DEFAULT_AGENT_NAME = "tracebridge-agent";

  private final Model model;
  private final Function<String, Model> modelResolver;
  private final StrandsContentEvents contentEvents;
  private final ToolRegistry tools;
  private final Tracer tracer;
  /** The CLIENT spans of model and MCP calls ({@link ClientSpans}), under the chat and tool spans. */
  private final Tracer clientTracer;
  private final String agentName;
  private final @Nullable String systemPrompt;
  private final int maxIterations;
  private final int maxTokens;
  private final Map<String, Integer> maxTokensByModel;
  private final List<HookProvider> hooks;
  private final ConversationStore conversations;

  private Agent(Builder b) {
    this.model = Objects.requireNonNull(b.model, "model");
    this.modelResolver = b.modelResolver;
    this.contentEvents = new StrandsContentEvents(b.semconv);
    this.tools = b.tools;
    this.tracer = b.openTelemetry.getTracer(TRACER_NAME);
    this.clientTracer = b.openTelemetry.getTracer(ClientSpans.SCOPE);
    this.agentName = b.agentName;
    this.systemPrompt = b.systemPrompt;
    this.maxIterations = b.maxIterations;
    this.maxTokens = b.maxTokens;
    this.maxTokensByModel = Map.copyOf(b.maxTokensByModel);
    this.hooks = List.copyOf(b.hooks);
    this.conversations = new ConversationStore(b.conversationCapacity);
  }

  /** A builder with the defaults above, no tools, no hooks and a no-op OpenTelemetry. */
  public static Builder builder() {
    return new Builder();
  }

  /** The agent name used in span names and {@code gen_ai.agent.name}. */
  public String name() {
    return agentName;
  }

  /** The default model. */
  public Model model() {
    return model;
  }

  /** The content-event mode of the spans. */
  public SemconvMode semconvMode() {
    return contentEvents.mode();
  }

  /**
   * The model for a request's model id: the default model for null or its own id, else the
   * resolver's.
   *
   * @throws IllegalArgumentException when the resolver does not know {@code modelId}
   */
  public Model resolveModel(@Nullable String modelId) {
    if (modelId == null || modelId.equals(model.modelId())) {
      return model;
    }
    return Objects.requireNonNull(modelResolver.apply(modelId), "model resolver returned null");
  }

  private void initialized() {
    HookRegistry registry = new HookRegistry();
    hooks.forEach(registry::addHook);
    registry.invoke(new AgentInitializedEvent(this));
  }

  /** The session's conversation so far (a snapshot), empty for an unknown session. */
  public List<Message> conversation(String sessionId) {
    ConversationStore.Session session = conversations.lockFor(sessionId);
    synchronized (session) {
      return session.messages();
    }
  }

  /**
   * Runs one invocation to completion.
   *
   * @throws AgentInvocationException when the model or a hook fails
   * @throws IllegalArgumentException when the request names a model the resolver does not know
   */
  public AgentResult invoke(AgentRequest request) {
    Model selected = resolveModel(request.modelId());
    ConversationStore.Session session = conversations.lockFor(request.sessionId());
    synchronized (session) {
      Invocation run = new Invocation(request, session.messages(), selected);
      AgentResult result = run.execute();
      session.replace(run.messages);
      return result;
    }
  }

  /** State of one invocation; used by one thread. */
  @SuppressWarnings("try") // Scopes are closed by try-with-resources on purpose.
  private final class Invocation {
    private final AgentRequest request;
    private final Model model;
    private final List<Message> messages;
    private final HookRegistry registry = new HookRegistry();
    private final Attributes common;
    private final List<ToolSpec> specs = tools.specs();
    private final ModelRequestOptions options;
    private Usage usage = Usage.ZERO;
    private @Nullable String previousCycleId;

    Invocation(AgentRequest request, List<Message> history, Model model) {
      this.request = request;
      this.model = model;
      Integer tokens = request.modelId() == null ? null : maxTokensByModel.get(request.modelId());
      this.options = new ModelRequestOptions(
          tokens != null ? tokens : maxTokensByModel.getOrDefault(model.modelId(), maxTokens));
      this.messages = new ArrayList<>(history);
      hooks.forEach(registry::addHook);
      request.hooks().forEach(registry::addHook);
      AttributesBuilder attrs =
          Attributes.builder().put(SESSION_ID, request.sessionId()).put(AGENT_NAME, agentName);
      if (request.agentId() != null) {
        attrs.put(AGENT_ID, request.agentId());
      }
      this.common = attrs.build();
    }

    AgentResult execute() {
      ArrayNode toolNames = Json.MAPPER.createArrayNode();
      specs.forEach(s -> toolNames.add(s.name()));
      Span root =
          startSpan("invoke_agent " + agentName, OP_INVOKE_AGENT)
              .setAttribute(REQUEST_MODEL, model.modelId())
              .setAttribute(AGENT_TOOLS, Json.write(toolNames))
              .startSpan();
      String traceId = root.getSpanContext().getTraceId();
      try (Scope ignored = root.makeCurrent()) {
        Message prompt = Message.user(request.prompt());
        contentEvents.agentStart(root, List.of(prompt));
        registry.invoke(
            new BeforeInvocationEvent(agentName, request.agentId(), request.sessionId(), request.prompt()));
        add(prompt);
        AgentStopReason stop = AgentStopReason.MAX_ITERATIONS;
        int iteration = 0;
        while (iteration < maxIterations) {
          iteration++;
          StopReason modelStop = cycle();
          if (modelStop != null) {
            stop = AgentStopReason.of(modelStop);
            break;
          }
        }
        setUsage(root, usage);
        AgentResult result =
            new AgentResult(lastAssistantText(), stop, usage, iteration, request.sessionId(), traceId);
        contentEvents.agentEnd(root, result.text(), finishReason(stop));
        registry.invoke(new AfterInvocationEvent(result));
        return result;
      } catch (RuntimeException e) {
        fail(root, e);
        throw new AgentInvocationException("agent invocation failed: " + e.getMessage(), traceId, e);
      } finally {
        end(root);
      }
    }

    private void add(Message message) {
      messages.add(message);
      registry.invoke(new MessageAddedEvent(message));
    }

    /** One event-loop cycle; returns the model's stop reason when the loop ends, null to continue. */
    private @Nullable StopReason cycle() {
      String cycleId = UUID.randomUUID().toString();
      io.opentelemetry.api.trace.SpanBuilder builder = startSpan(OP_CYCLE, OP_CYCLE).setAttribute(CYCLE_ID, cycleId);
      if (previousCycleId != null) {
        builder.setAttribute(PARENT_CYCLE_ID, previousCycleId);
      }
      previousCycleId = cycleId;
      Span span = builder.startSpan();
      try (Scope ignored = span.makeCurrent()) {
        contentEvents.cycleStart(span, messages);
        ModelResponse response = callModel();
        add(response.message());
        List<ContentBlock.ToolUse> uses = response.toolUses();
        if (response.stopReason() != StopReason.TOOL_USE || uses.isEmpty()) {
          return response.stopReason();
        }
        List<ContentBlock> results = new ArrayList<>(uses.size());
        for (ContentBlock.ToolUse use : uses) {
          results.add(ContentBlock.toolResult(use.toolUseId(), callTool(use)));
        }
        Message toolResults = new Message(Role.USER, results);
        contentEvents.cycleEnd(span, response.message(), toolResults);
        add(toolResults);
        return null;
      } catch (RuntimeException e) {
        fail(span, e);
        throw e;
      } finally {
        end(span);
      }
    }

    private ModelResponse callModel() {
      Span span = startSpan(OP_CHAT, OP_CHAT).setAttribute(REQUEST_MODEL, model.modelId()).startSpan();
      boolean failed = false;
      try (Scope ignored = ClientSpans.with(Context.current().with(span), clientTracer).makeCurrent()) {
        contentEvents.chatStart(span, systemPrompt, messages);
        registry.invoke(new BeforeModelCallEvent(messages));
        ModelResponse response;
        try {
          response =
              model.converse(List.copyOf(messages), specs, systemPrompt, options);
        } catch (RuntimeException e) {
          failed = true;
          fail(span, e);
          registry.invoke(new AfterModelCallEvent(null, e));
          throw e;
        }
        setUsage(span, response.usage());
        usage = usage.plus(response.usage());
        contentEvents.chatEnd(span, response);
        registry.invoke(new AfterModelCallEvent(response, null));
        return response;
      } catch (RuntimeException e) {
        if (!failed) {
          fail(span, e);
        }
        throw e;
      } finally {
        end(span);
      }
    }

    private ToolResult callTool(ContentBlock.ToolUse use) {
      Span span =
          startSpan(OP_EXECUTE_TOOL + " " + use.name(), OP_EXECUTE_TOOL)
              .setAttribute(TOOL_NAME, use.name())
              .setAttribute(TOOL_CALL_ID, use.toolUseId())
              .startSpan();
      try (Scope ignored = ClientSpans.with(Context.current().with(span), clientTracer).makeCurrent()) {
        contentEvents.toolStart(span, use);
        Tool tool = tools.find(use.name()).orElse(null);
        BeforeToolCallEvent before = registry.invoke(new BeforeToolCallEvent(use, tool));
        ToolResult result;
        RuntimeException error = null;
        if (tool == null) {
          result = ToolResult.error("Unknown tool: " + use.name());
        } else {
          try {
            result = tool.invoke(before.input());
          } catch (RuntimeException e) {
            error = e;
            result = ToolResult.error("Tool " + use.name() + " failed: " + e.getMessage());
          }
        }
        span.setAttribute(TOOL_STATUS, result.status().wireName());
        if (error != null) {
          span.recordException(error);
        }
        if (result.status() == ToolStatus.ERROR) {
          span.setStatus(StatusCode.ERROR, result.content());
        }
        contentEvents.toolEnd(span, use, result);
        registry.invoke(new AfterToolCallEvent(use, before.input(), result, error));
        return result;
      } catch (RuntimeException e) {
        fail(span, e);
        throw e;
      } finally {
        end(span);
      }
    }

    private io.opentelemetry.api.trace.SpanBuilder startSpan(String name, String operation) {
      return tracer
          .spanBuilder(name)
          .setSpanKind(SpanKind.INTERNAL)
          .setAllAttributes(common)
          .setAttribute(OPERATION_NAME, operation)
          .setAttribute(contentEvents.mode() == SemconvMode.LATEST ? PROVIDER_NAME : SYSTEM, SYSTEM_STRANDS)
          .setAttribute(EVENT_START_TIME, Instant.now().toString());
    }

    private String lastAssistantText() {
      for (int i = messages.size() - 1; i >= 0; i--) {
        Message m = messages.get(i);
        if (m.role() == Role.ASSISTANT) {
          return m.text();
        }
      }
      return "";
    }
  }

  private static void end(Span span) {
    span.setAttribute(EVENT_END_TIME, Instant.now().toString());
    span.end();
  }

  /** Strands' finish reason for the invocation ({@code end_turn}, ..., {@code max_iterations}). */
  private static String finishReason(AgentStopReason stop) {
    switch (stop) {
      case END_TURN:
        return StopReason.END_TURN.wireName();
      case TOOL_USE:
        return StopReason.TOOL_USE.wireName();
      case MAX_TOKENS:
        return StopReason.MAX_TOKENS.wireName();
      case STOP_SEQUENCE:
        return StopReason.STOP_SEQUENCE.wireName();
      default:
        return "max_iterations";
    }
  }

  private static void setUsage(Span span, Usage usage) {
    span.setAttribute(USAGE_PROMPT_TOKENS, usage.inputTokens());
    span.setAttribute(USAGE_INPUT_TOKENS, usage.inputTokens());
    span.setAttribute(USAGE_COMPLETION_TOKENS, usage.outputTokens());
    span.setAttribute(USAGE_OUTPUT_TOKENS, usage.outputTokens());
    span.setAttribute(USAGE_TOTAL_TOKENS, usage.totalTokens());
    span.setAttribute(USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens());
    span.setAttribute(USAGE_CACHE_WRITE_INPUT_TOKENS, usage.cacheWriteTokens());
    if (usage.reasoningTokens() > 0) {
      span.setAttribute(USAGE_REASONING_TOKENS, usage.reasoningTokens());
    }
  }

  private static void fail(Span span, Throwable e) {
    span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
    span.recordException(e);
  }

  /** Builds an {@link Agent}; not thread-safe. */
  public static final class Builder {
    private @Nullable Model model;
    private Function<String, Model> modelResolver =
        id -> {
          throw new IllegalArgumentException("model '" + id + "' is not available in this runtime");
        };
    private SemconvMode semconv = SemconvMode.LEGACY;
    private ToolRegistry tools = new ToolRegistry();
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private String agentName = DEFAULT_AGENT_NAME;
    private @Nullable String systemPrompt;
    private int maxIterations = DEFAULT_MAX_ITERATIONS;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private Map<String, Integer> maxTokensByModel = Map.of();
    private int conversationCapacity = DEFAULT_CONVERSATION_CAPACITY;
    private final List<HookProvider> hooks = new ArrayList<>();

    private Builder() {}

    /** The model (required). */
    public Builder model(Model model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Resolves a request's model id to a model (called per request that names another model than
     * the default; cache inside if building is costly). Throws IllegalArgumentException for an
     * unknown id. By default, every other id is unknown.
     */
    public Builder modelResolver(Function<String, Model> resolver) {
      this.modelResolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Which Strands content events the spans carry (default {@link SemconvMode#LEGACY}). */
    public Builder semconv(SemconvMode mode) {
      this.semconv = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The tools the model may call. */
    public Builder tools(ToolRegistry tools) {
      this.tools = Objects.requireNonNull(tools, "tools");
      return this;
    }

    /** Where spans go; the tracer is {@value Agent#TRACER_NAME}. */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    public Builder agentName(String agentName) {
      if (agentName.isBlank()) {
        throw new IllegalArgumentException("agentName must not be blank");
      }
      this.agentName = agentName;
      return this;
    }

    public Builder systemPrompt(@Nullable String systemPrompt) {
      this.systemPrompt = systemPrompt;
      return this;
    }

    public Builder maxIterations(int maxIterations) {
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
      }
      this.maxIterations = maxIterations;
      return this;
    }

    public Builder maxTokens(int maxTokens) {
      if (maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Per-model {@code max_tokens} over {@link #maxTokens}: looked up by the request's model id as
     * given, then by the model's own {@link Model#modelId()}.
     */
    public Builder maxTokensByModel(Map<String, Integer> byModel) {
      byModel.forEach((id, tokens) -> {
        if (tokens == null || tokens < 1) {
          throw new IllegalArgumentException("max tokens of " + id + " must be >= 1, got " + tokens);
        }
      });
      this.maxTokensByModel = Map.copyOf(byModel);
      return this;
    }

    /** How many sessions' conversations are kept (least recently used forgotten first). */
    public Builder conversationCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("conversationCapacity must be >= 1, got " + capacity);
      }
      this.conversationCapacity = capacity;
      return this;
    }

    /**
     * Adds a hook provider for every invocation. Providers register in the order added, before the
     * request's own hooks; so callbacks of before-events run in that order, after-events reversed.
     */
    public Builder addHook(HookProvider hook) {
      hooks.add(Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /**
     * @throws NullPointerException when no model was set
     */
    public Agent build() {
      Agent agent = new Agent(this);
      agent.initialized();
      return agent;
    }
  }
}
