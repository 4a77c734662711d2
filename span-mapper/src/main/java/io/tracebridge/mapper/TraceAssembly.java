package io.tracebridge.mapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Assembles what is known of traces into their final records: a pure function of a set of
 * records and span nodes, with no I/O, independent of the order they arrived in.
 *
 * <p>{@link SpanMapper} applies it within one export request. A receiver applies it across
 * exports: when an export brings records or {@link SpanNode}s of a trace, it calls {@link
 * #assemble} with <em>every</em> record and span node known for that trace (stored and new, in
 * any order, duplicates allowed), writes the {@link Result#records()} that differ from what it
 * stores, and removes the {@link Result#supersededRecordIds()} it stores (and their usage from its
 * totals). Records whose agent or session changed are re-attributed that way.
 *
 * <p>What it does, per trace:
 *
 * <ol>
 *   <li><b>Duplicates.</b> Records with the same id are one step: they are joined field by field
 *       ({@link FunctionalRecord#filledFrom}), the fuller record winning a field both have (ties
 *       broken by the records' JSON), so the join does not depend on arrival order.
 *   <li><b>Hook copies.</b> A hook-event record ({@link Dialect#HOOK_EVENTS}) of a model or tool
 *       step ({@code model_request}, {@code reasoning}, {@code model_response}, {@code
 *       tool_request}, {@code tool_response}) that sits on an ancestor of the native span of that
 *       step (Strands 1.62 fires its model and tool hooks while the {@code
 *       execute_event_loop_cycle} span is current) is folded into the native record: the native
 *       record keeps its id, time, duration, model, usage, tool name and call id, and takes from
 *       the hook copy only the fields it lacks (a hook text that is the seed hook's Python repr of
 *       a message, as in a tool-only turn, is never taken). The hook copy's id is then
 *       superseded. Matching, for a hook copy on span {@code S} and the native steps whose nearest
 *       hook-hosting ancestor is {@code S} (never across an agent span):
 *       <ul>
 *         <li>model calls: each {@code model_request} hook copy opens a call that the next {@code
 *             model_response} copy closes; the one native model span that starts and ends inside
 *             that interval is the call (none or several: nothing is folded);
 *         <li>tool results: by tool call id (the hook's {@code tool.output} is Strands' {@code
 *             ToolResult}, which names its {@code toolUseId}); without one, the earliest native
 *             tool call not yet matched that ended before the hook event;
 *         <li>tool requests: the earliest native tool call not yet matched with the same tool
 *             name that started at or after the hook event and whose input agrees (one JSON input
 *             contains the other).
 *       </ul>
 *       A hook copy with no native step stays a record of its own.
 *   <li><b>Repeated errors.</b> An exception is recorded on every span it passes through; an
 *       {@code error} record with the same error (type and message) as one on a descendant span
 *       is superseded by it, so a failure is one record, where it happened.
 *   <li><b>Attribution.</b> Each record belongs to the nearest agent span among its own span and
 *       its ancestors ({@link SpanNode#isAgent()}): {@code agentId} and {@code agentName} are
 *       that span's. Its {@code sessionId} is that of the nearest span of the same chain that
 *       carries one. A record whose chain holds no such span keeps what it had; if that is an
 *       agent name without an id, its id is {@link SpanNode#derivedAgentId derived} from the name,
 *       as an agent span's would be.
 * </ol>
 *
 * <p>Stateless and thread-safe. Records of several traces may be given together; they are
 * assembled trace by trace. Span nodes are matched to records by trace id only, so give the span
 * nodes of one tenant.
 */
public final class TraceAssembly {
  private static final Set<RecordType> MODEL_STEPS =
      Set.of(RecordType.MODEL_REQUEST, RecordType.REASONING, RecordType.MODEL_RESPONSE);
  private static final Set<RecordType> TOOL_STEPS =
      Set.of(RecordType.TOOL_REQUEST, RecordType.TOOL_RESPONSE);

  private TraceAssembly() {}

  /**
   * The assembled records.
   *
   * @param records one record per surviving record id, in {@link FunctionalRecord#TIMELINE} order
   * @param supersededRecordIds the ids of given records that are now part of another record (a
   *     hook copy folded into its native step); never an id of {@code records}
   */
  public record Result(List<FunctionalRecord> records, Set<String> supersededRecordIds) {
    public Result {
      records = List.copyOf(records);
      supersededRecordIds = Set.copyOf(supersededRecordIds);
    }
  }

  /**
   * Assembles {@code records} with the topology {@code spans} (see the class comment).
   *
   * @param records every record known for the traces, in any order, duplicates allowed
   * @param spans every span node known for the traces, in any order, duplicates allowed (nodes
   *     of the same span are joined with {@link SpanNode#mergedWith})
   */
  public static Result assemble(Collection<FunctionalRecord> records, Collection<SpanNode> spans) {
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(spans, "spans");
    Map<String, Map<String, SpanNode>> nodesByTrace = new HashMap<>();
    for (SpanNode node : spans) {
      nodesByTrace.computeIfAbsent(node.traceId(), t -> new HashMap<>())
          .merge(node.spanId(), node, SpanNode::mergedWith);
    }
    Map<String, List<FunctionalRecord>> byTrace = new TreeMap<>();
    for (FunctionalRecord r : records) {
      byTrace.computeIfAbsent(r.tenant() + "/" + r.traceId(), k -> new ArrayList<>()).add(r);
    }
    List<FunctionalRecord> out = new ArrayList<>();
    Set<String> superseded = new TreeSet<>();
    for (List<FunctionalRecord> trace : byTrace.values()) {
      Map<String, SpanNode> nodes =
          nodesByTrace.getOrDefault(trace.get(0).traceId(), Map.of());
      new OneTrace(joinDuplicates(trace), nodes).assemble(out, superseded);
    }
    out.sort(FunctionalRecord.TIMELINE);
    return new Result(out, superseded);
  }

  /** One record per id, duplicates joined in an order that depends only on their content. */
  private static Map<String, FunctionalRecord> joinDuplicates(List<FunctionalRecord> records) {
    Map<String, List<FunctionalRecord>> byId = new TreeMap<>();
    for (FunctionalRecord r : records) {
      byId.computeIfAbsent(r.recordId(), k -> new ArrayList<>()).add(r);
    }
    Map<String, FunctionalRecord> joined = new LinkedHashMap<>();
    for (Map.Entry<String, List<FunctionalRecord>> e : byId.entrySet()) {
      List<FunctionalRecord> copies = e.getValue();
      if (copies.size() == 1) {
        joined.put(e.getKey(), copies.get(0));
        continue;
      }
      List<Keyed> keyed = new ArrayList<>();
      for (FunctionalRecord r : copies) {
        keyed.add(new Keyed(r, fieldCount(r), json(r)));
      }
      keyed.sort(Comparator.comparingInt(Keyed::fields).thenComparing(Keyed::json));
      FunctionalRecord acc = keyed.get(0).record();
      for (int i = 1; i < keyed.size(); i++) {
        acc = keyed.get(i).record().filledFrom(acc);
      }
      joined.put(e.getKey(), acc);
    }
    return joined;
  }

  private record Keyed(FunctionalRecord record, int fields, String json) {}

  private static int fieldCount(FunctionalRecord r) {
    int n = 0;
    for (Object field : new Object[] {r.parentSpanId(), r.spanName(), r.durationMs(), r.sessionId(),
        r.agentId(), r.agentName(), r.model(), r.provider(), r.text(), r.tool(), r.usage(),
        r.totalUsage(), r.finishReason(), r.error(), r.originalSize(), r.systemPrompt(),
        r.messages()}) {
      if (field != null) {
        n++;
      }
    }
    return n;
  }

  private static String json(FunctionalRecord r) {
    try {
      return RecordJson.mapper().writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a functional record must always serialise", e);
    }
  }

  /** The assembly of one trace's records (ids already unique). */
  private static final class OneTrace {
    private final Map<String, FunctionalRecord> byId;
    private final Map<String, SpanNode> nodes;
    /** Parent of each span: from its node, else from a record of that span. */
    private final Map<String, String> parents = new HashMap<>();
    /** Spans hosting hook copies of model steps, and of tool steps. */
    private final Set<String> modelHosts = new TreeSet<>();
    private final Set<String> toolHosts = new TreeSet<>();

    OneTrace(Map<String, FunctionalRecord> byId, Map<String, SpanNode> nodes) {
      this.byId = byId;
      this.nodes = nodes;
      for (FunctionalRecord r : byId.values()) {
        if (r.parentSpanId() != null) {
          parents.merge(r.spanId(), r.parentSpanId(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        if (isHookCopy(r)) {
          (MODEL_STEPS.contains(r.type()) ? modelHosts : toolHosts).add(r.spanId());
        }
      }
      for (SpanNode node : nodes.values()) {
        if (node.parentSpanId() != null) {
          parents.put(node.spanId(), node.parentSpanId());
        }
      }
    }

    void assemble(List<FunctionalRecord> out, Set<String> superseded) {
      Map<String, List<FunctionalRecord>> folded = new HashMap<>();
      foldModelCalls(folded);
      foldToolCalls(folded);
      supersedeRepeatedErrors(superseded);
      for (FunctionalRecord r : byId.values()) {
        List<FunctionalRecord> hooks = folded.get(r.recordId());
        FunctionalRecord assembled = r;
        if (hooks != null) {
          hooks.sort(FunctionalRecord.TIMELINE);
          for (FunctionalRecord hook : hooks) {
            assembled = fold(assembled, hook);
            superseded.add(hook.recordId());
          }
        }
        out.add(assembled);
      }
      out.removeIf(r -> superseded.contains(r.recordId()));
      out.replaceAll(this::attributed);
    }

    // ---- model calls ----

    private void foldModelCalls(Map<String, List<FunctionalRecord>> folded) {
      if (modelHosts.isEmpty()) {
        return;
      }
      Map<String, NativeCall> calls = new TreeMap<>();
      for (FunctionalRecord r : byId.values()) {
        if (!isHookCopy(r) && MODEL_STEPS.contains(r.type())) {
          calls.computeIfAbsent(r.spanId(), NativeCall::new).add(r);
        }
      }
      Map<String, List<NativeCall>> byHost = new TreeMap<>();
      for (NativeCall call : calls.values()) {
        String host = nearestHost(call.spanId, modelHosts);
        if (host != null) {
          byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(call);
        }
      }
      for (Map.Entry<String, List<NativeCall>> e : byHost.entrySet()) {
        List<NativeCall> candidates = new ArrayList<>(e.getValue());
        for (HookCall hook : hookCalls(e.getKey())) {
          List<NativeCall> inside = candidates.stream()
              .filter(c -> !c.start().isBefore(hook.from) && !c.end().isAfter(hook.to))
              .toList();
          if (inside.size() != 1) {
            continue;
          }
          NativeCall call = inside.get(0);
          candidates.remove(call);
          foldInto(folded, hook.request, call.request);
          foldInto(folded, hook.response, call.response);
          for (int i = 0; i < hook.reasoning.size() && i < call.reasoning.size(); i++) {
            foldInto(folded, hook.reasoning.get(i), call.reasoning.get(i));
          }
        }
      }
    }

    /** The hook copies of model calls on {@code host}: each request opens one, a response closes it. */
    private List<HookCall> hookCalls(String host) {
      List<FunctionalRecord> events = byId.values().stream()
          .filter(r -> isHookCopy(r) && r.spanId().equals(host)
              && (r.type() == RecordType.MODEL_REQUEST || r.type() == RecordType.MODEL_RESPONSE))
          .sorted(FunctionalRecord.TIMELINE)
          .toList();
      List<HookCall> calls = new ArrayList<>();
      HookCall open = null;
      java.time.Instant lastEnd = java.time.Instant.MIN;
      for (FunctionalRecord event : events) {
        if (event.type() == RecordType.MODEL_REQUEST) {
          if (open != null) {
            open.to = event.timestamp();
            calls.add(open);
          }
          open = new HookCall(event, event.timestamp());
        } else {
          HookCall call = open != null ? open : new HookCall(null, lastEnd);
          call.response = event;
          call.to = event.timestamp();
          calls.add(call);
          lastEnd = event.timestamp();
          open = null;
        }
      }
      if (open != null) {
        calls.add(open);
      }
      for (FunctionalRecord r : byId.values()) {
        if (isHookCopy(r) && r.spanId().equals(host) && r.type() == RecordType.REASONING) {
          for (HookCall call : calls) {
            if (!r.timestamp().isBefore(call.from) && !r.timestamp().isAfter(call.to)) {
              call.reasoning.add(r);
              break;
            }
          }
        }
      }
      calls.forEach(c -> c.reasoning.sort(FunctionalRecord.TIMELINE));
      return calls;
    }

    // ---- tool calls ----

    private void foldToolCalls(Map<String, List<FunctionalRecord>> folded) {
      if (toolHosts.isEmpty()) {
        return;
      }
      Map<String, NativeTool> tools = new TreeMap<>();
      Map<String, List<FunctionalRecord>> idless = new TreeMap<>();
      for (FunctionalRecord r : byId.values()) {
        if (isHookCopy(r) || !TOOL_STEPS.contains(r.type())) {
          continue;
        }
        String callId = r.tool() == null ? null : r.tool().callId();
        if (callId != null) {
          tools.computeIfAbsent("id:" + callId, k -> new NativeTool()).add(r);
        } else {
          idless.computeIfAbsent(r.spanId() + "/" + r.type(), k -> new ArrayList<>()).add(r);
        }
      }
      for (Map.Entry<String, List<FunctionalRecord>> e : idless.entrySet()) {
        List<FunctionalRecord> steps = new ArrayList<>(e.getValue());
        steps.sort(FunctionalRecord.TIMELINE);
        for (int i = 0; i < steps.size(); i++) {
          tools.computeIfAbsent("span:" + steps.get(i).spanId() + "#" + i, k -> new NativeTool())
              .add(steps.get(i));
        }
      }
      Map<String, List<NativeTool>> byHost = new TreeMap<>();
      for (NativeTool tool : tools.values()) {
        String host = nearestHost(tool.spanId(), toolHosts);
        if (host != null) {
          byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(tool);
        }
      }
      for (Map.Entry<String, List<NativeTool>> e : byHost.entrySet()) {
        List<NativeTool> candidates = e.getValue();
        candidates.sort(Comparator.comparing(NativeTool::start).thenComparing(NativeTool::key));
        List<FunctionalRecord> hooks = byId.values().stream()
            .filter(r -> isHookCopy(r) && r.spanId().equals(e.getKey())
                && TOOL_STEPS.contains(r.type()))
            .sorted(FunctionalRecord.TIMELINE)
            .toList();
        Set<NativeTool> requested = new java.util.HashSet<>();
        Set<NativeTool> answered = new java.util.HashSet<>();
        for (FunctionalRecord hook : hooks) {
          if (hook.type() == RecordType.TOOL_RESPONSE) {
            NativeTool match = responseMatch(hook, candidates, answered);
            if (match != null && match.response != null) {
              answered.add(match);
              foldInto(folded, hook, match.response);
            }
          } else {
            NativeTool match = requestMatch(hook, candidates, requested);
            if (match != null && match.request != null) {
              requested.add(match);
              foldInto(folded, hook, match.request);
            }
          }
        }
      }
    }

    @Nullable
    private static NativeTool responseMatch(
        FunctionalRecord hook, List<NativeTool> candidates, Set<NativeTool> answered) {
      String callId = hook.tool() == null ? null : hook.tool().callId();
      if (callId != null) {
        for (NativeTool t : candidates) {
          if (callId.equals(t.callId())) {
            return t;
          }
        }
        return null;
      }
      return candidates.stream()
          .filter(t -> !answered.contains(t) && t.response != null
              && !t.response.timestamp().isAfter(hook.timestamp()))
          .min(Comparator.comparing(NativeTool::end).thenComparing(NativeTool::key))
          .orElse(null);
    }

    @Nullable
    private static NativeTool requestMatch(
        FunctionalRecord hook, List<NativeTool> candidates, Set<NativeTool> requested) {
      String name = hook.tool() == null ? null : hook.tool().name();
      if (name == null) {
        return null;
      }
      String input = hook.tool().input();
      for (NativeTool t : candidates) {
        if (!requested.contains(t) && name.equals(t.name()) && !t.start().isBefore(hook.timestamp())
            && inputsAgree(input, t.input())) {
          return t;
        }
      }
      return null;
    }

    // ---- errors ----

    /**
     * An exception passes up every span it ends (Strands records it on the cycle and on the agent
     * span): an error record equal (type and message) to one on a descendant span is the same
     * failure, told where it happened.
     */
    private void supersedeRepeatedErrors(Set<String> superseded) {
      Map<String, List<FunctionalRecord>> errorsBySpan = new HashMap<>();
      for (FunctionalRecord r : byId.values()) {
        if (r.type() == RecordType.ERROR && r.error() != null) {
          errorsBySpan.computeIfAbsent(r.spanId(), k -> new ArrayList<>()).add(r);
        }
      }
      for (List<FunctionalRecord> errors : List.copyOf(errorsBySpan.values())) {
        for (FunctionalRecord inner : errors) {
          Set<String> seen = new java.util.HashSet<>();
          seen.add(inner.spanId());
          String current = parents.get(inner.spanId());
          while (current != null && seen.add(current)) {
            for (FunctionalRecord outer : errorsBySpan.getOrDefault(current, List.of())) {
              if (outer.error().equals(inner.error())) {
                superseded.add(outer.recordId());
              }
            }
            current = parents.get(current);
          }
        }
      }
    }

    // ---- topology ----

    /**
     * The nearest proper ancestor of {@code spanId} in {@code hosts}, not reached across an agent
     * span (the span itself may not be an agent span's child step of another agent's hooks).
     */
    @Nullable
    private String nearestHost(String spanId, Set<String> hosts) {
      Set<String> seen = new java.util.HashSet<>();
      seen.add(spanId);
      String current = parents.get(spanId);
      while (current != null && seen.add(current)) {
        if (hosts.contains(current)) {
          return current;
        }
        SpanNode node = nodes.get(current);
        if (node != null && node.isAgent()) {
          return null;
        }
        current = parents.get(current);
      }
      return null;
    }

    /** {@code r} with the agent and session of the nearest spans of its chain that have them. */
    private FunctionalRecord attributed(FunctionalRecord r) {
      SpanNode agent = null;
      String session = null;
      String current = r.spanId();
      // A chain of distinct spans has at most parents.size() + 1 of them; a longer walk is a
      // cycle in the parent links, where revisited spans change nothing (no set of seen spans).
      int steps = parents.size() + 1;
      while (current != null && steps-- > 0 && (agent == null || session == null)) {
        SpanNode node = nodes.get(current);
        if (node != null) {
          if (agent == null && node.isAgent()) {
            agent = node;
          }
          if (session == null && node.sessionId() != null) {
            session = node.sessionId();
          }
        }
        current = parents.get(current);
      }
      String agentId = r.agentId();
      String agentName = r.agentName();
      String sessionId = r.sessionId();
      if (agent != null) {
        agentId = agent.agentId();
        agentName = agent.agentName() != null ? agent.agentName() : r.agentName();
      } else if (r.agentId() == null && r.agentName() != null) {
        agentId = SpanNode.derivedAgentId(r.agentName());
      }
      if (session != null) {
        sessionId = session;
      }
      // Most records already carry their attribution: no copy unless a field changes.
      if (Objects.equals(agentId, r.agentId()) && Objects.equals(agentName, r.agentName())
          && Objects.equals(sessionId, r.sessionId())) {
        return r;
      }
      return r.toBuilder().agentId(agentId).agentName(agentName).sessionId(sessionId).build();
    }
  }

  /**
   * True unless both inputs are JSON and neither contains the other: the hook may see the input
   * before or after another hook (the seed's {@code SessionContextHook}) added keys to it.
   */
  static boolean inputsAgree(@Nullable String a, @Nullable String b) {
    if (a == null || b == null) {
      return true;
    }
    JsonNode x = parseOrNull(a);
    JsonNode y = parseOrNull(b);
    if (x == null || y == null) {
      return true;
    }
    return contains(x, y) || contains(y, x);
  }

  @Nullable
  private static JsonNode parseOrNull(String text) {
    try {
      return RecordJson.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** True if {@code big} has every field of {@code small} with a value that contains its value. */
  private static boolean contains(JsonNode big, JsonNode small) {
    if (big.isObject() && small.isObject()) {
      var fields = small.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        JsonNode other = big.get(f.getKey());
        if (other == null || !contains(other, f.getValue())) {
          return false;
        }
      }
      return true;
    }
    return big.equals(small);
  }

  private static boolean isHookCopy(FunctionalRecord r) {
    return r.dialect() == Dialect.HOOK_EVENTS
        && (MODEL_STEPS.contains(r.type()) || TOOL_STEPS.contains(r.type()));
  }

  private static void foldInto(
      Map<String, List<FunctionalRecord>> folded, @Nullable FunctionalRecord hook,
      @Nullable FunctionalRecord nativeRecord) {
    if (hook != null && nativeRecord != null) {
      folded.computeIfAbsent(nativeRecord.recordId(), k -> new ArrayList<>()).add(hook);
    }
  }

  /**
   * {@code nativeRecord} with the fields it lacks taken from {@code hook}: never the hook's
   * identity, time or duration (the hook's span is the cycle's). (The hook mapper never gives a
   * text that is the seed hook's Python repr of a message, so none is taken.)
   */
  static FunctionalRecord fold(FunctionalRecord nativeRecord, FunctionalRecord hook) {
    FunctionalRecord donor = hook.toBuilder()
        .recordId(nativeRecord.recordId())
        .spanId(nativeRecord.spanId())
        .parentSpanId(nativeRecord.parentSpanId())
        .spanName(nativeRecord.spanName())
        .type(nativeRecord.type())
        .timestamp(nativeRecord.timestamp())
        .dialect(nativeRecord.dialect())
        .durationMs(null)
                .build();
    return nativeRecord.filledFrom(donor);
  }

  /** A native model call: the records of one model span. */
  private static final class NativeCall {
    final String spanId;
    FunctionalRecord request;
    FunctionalRecord response;
    final List<FunctionalRecord> reasoning = new ArrayList<>();

    NativeCall(String spanId) {
      this.spanId = spanId;
    }

    void add(FunctionalRecord r) {
      switch (r.type()) {
        case MODEL_REQUEST -> request = r;
        case MODEL_RESPONSE -> response = r;
        default -> {
          reasoning.add(r);
          reasoning.sort(FunctionalRecord.TIMELINE);
        }
      }
    }

    java.time.Instant start() {
      return request != null ? request.timestamp() : earliest();
    }

    java.time.Instant end() {
      return response != null ? response.timestamp() : start();
    }

    private java.time.Instant earliest() {
      java.time.Instant t = response != null ? response.timestamp() : java.time.Instant.MAX;
      for (FunctionalRecord r : reasoning) {
        t = r.timestamp().isBefore(t) ? r.timestamp() : t;
      }
      return t;
    }
  }

  /** The hook copies of one model call on a host span, and the interval they bound. */
  private static final class HookCall {
    @Nullable final FunctionalRecord request;
    @Nullable FunctionalRecord response;
    final List<FunctionalRecord> reasoning = new ArrayList<>();
    final java.time.Instant from;
    java.time.Instant to = java.time.Instant.MAX;

    HookCall(@Nullable FunctionalRecord request, java.time.Instant from) {
      this.request = request;
      this.from = from;
    }
  }

  /** A native tool call: its request and response records. */
  private static final class NativeTool {
    FunctionalRecord request;
    FunctionalRecord response;

    void add(FunctionalRecord r) {
      if (r.type() == RecordType.TOOL_REQUEST) {
        request = r;
      } else {
        response = r;
      }
    }

    String key() {
      return request != null ? request.recordId() : response.recordId();
    }

    String spanId() {
      return request != null ? request.spanId() : response.spanId();
    }

    java.time.Instant start() {
      return request != null ? request.timestamp() : response.timestamp();
    }

    java.time.Instant end() {
      return response != null ? response.timestamp() : request.timestamp();
    }

    @Nullable
    String name() {
      FunctionalRecord r = request != null ? request : response;
      return r.tool() == null ? null : r.tool().name();
    }

    @Nullable
    String callId() {
      FunctionalRecord r = request != null ? request : response;
      return r.tool() == null ? null : r.tool().callId();
    }

    @Nullable
    String input() {
      return request == null || request.tool() == null ? null : request.tool().input();
    }
  }
}
