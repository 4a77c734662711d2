package io.tracebridge.store.memory;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.FeedScope;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.StoredRecord;
import io.tracebridge.store.StoredRecordListener;
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceAssemblyStore;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceSnapshot;
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.TraceSummary;
import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.UsageAccounting.Contribution;
import io.tracebridge.store.UsageAccounting.Target;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.annotation.Nullable;

/**
 * A {@link TraceStore} in memory, with the same semantics as the DynamoDB store: idempotent by
 * record id, an identical re-export writes nothing (and keeps its ingest sequence), usage counted
 * at write time by {@link UsageAccounting} (and moved when a record's agent or session changes),
 * trace summaries kept at write time, and the {@link TraceAssemblyStore} side (span topology,
 * removal, pass counter).
 *
 * <p>Thread-safe: writes and reads take one lock, and every stage it hands out is already
 * complete. Listeners are called after the lock is released, on the writing thread, once per
 * {@link #accept} with the versions it wrote in timeline order (as {@link StoredRecordListener}
 * says). After {@link
 * #shutdown()} {@link #accept} fails with a permanent {@link StoreException}; reads keep working.
 * Meant for tests and single-process runs: queries scan the tenant's data.
 */
public final class InMemoryTraceStore implements TraceStore, TraceAssemblyStore {
  private record TraceKey(String tenant, String w3cTraceId) {}

  private record AggregateKey(String tenant, UsageKind kind, LocalDate day, String value, String model) {}

  /**
   * A trace's summary and usage state. The {@code *At} fields are {@code {timestamp}#{recordId}}
   * of the record a value came from: session, agent and prompt come from the earliest record that
   * has one, the stop reason from the latest {@code response}.
   */
  private static final class Summary {
    Instant start;
    Instant end;
    String sessionId;
    String sessionAt;
    String agentId;
    String agentName;
    String agentAt;
    String prompt;
    String promptAt;
    String stopReason;
    boolean stopError;
    String stopSpan;
    String stopAt;
    final Set<String> failedSpans = new HashSet<>();
    boolean error;
    boolean answered;
    final Set<String> tools = new TreeSet<>();
    final long[] usage = new long[5];
    UsageAccounting.Mode mode;
    final Map<String, Contribution> agentLevel = new LinkedHashMap<>();
    /** The counted calls: what each was counted under (its marker). */
    final Map<String, Contribution> calls = new HashMap<>();
  }

  private final Object lock = new Object();
  private final Map<TraceKey, Map<String, StoredRecord>> traces = new HashMap<>();
  private final Map<TraceKey, Summary> summaries = new HashMap<>();
  private final Map<AggregateKey, long[]> aggregates = new HashMap<>();
  private final Map<TraceKey, Map<String, SpanNode>> spans = new HashMap<>();
  private final Map<TraceKey, Long> passes = new HashMap<>();
  private final List<StoredRecordListener> listeners = new CopyOnWriteArrayList<>();
  private final IngestSeq seqs;
  private volatile boolean shutdown;

  public InMemoryTraceStore() {
    this(Clock.systemUTC());
  }

  /** A store whose ingest sequences come from {@code clock}. */
  public InMemoryTraceStore(Clock clock) {
    this.seqs = new IngestSeq(clock);
  }

  @Override
  public void addListener(StoredRecordListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    if (shutdown) {
      return CompletableFuture.failedFuture(new StoreException("store is shut down", false));
    }
    for (FunctionalRecord r : records) {
      if (!TraceIds.isValid(r.traceId())) {
        return CompletableFuture.failedFuture(
            new StoreException("record " + r.recordId() + " has an invalid traceId", false));
      }
    }
    List<StoredRecord> written = new ArrayList<>();
    synchronized (lock) {
      for (FunctionalRecord r : records) {
        TraceKey key = new TraceKey(r.tenant(), TraceIds.toW3c(r.traceId()));
        Map<String, StoredRecord> trace = traces.computeIfAbsent(key, k -> new HashMap<>());
        StoredRecord existing = trace.get(r.recordId());
        // A later version keeps what it lacks from the stored one (a partial live record that
        // arrives after its span's full record must not erase fields).
        FunctionalRecord merged = existing == null ? r : r.filledFrom(existing.record());
        if (existing != null && existing.record().equals(merged)) {
          continue; // nothing changes: the sequence stays
        }
        StoredRecord stored = new StoredRecord(merged, seqs.next(merged.recordId()));
        trace.put(merged.recordId(), stored);
        written.add(stored);
        Summary summary = summaries.computeIfAbsent(key, k -> new Summary());
        summarize(summary, merged);
        count(key, summary, merged);
      }
    }
    if (!written.isEmpty()) {
      // Once per call, in timeline order: record start time, then the export's order (stable).
      written.sort(Comparator.comparingLong(v -> v.record().timestampNanos()));
      List<StoredRecord> view = List.copyOf(written);
      listeners.forEach(l -> l.stored(view));
    }
    return CompletableFuture.completedFuture(null);
  }

  private static void summarize(Summary s, FunctionalRecord r) {
    s.start = s.start == null || r.timestamp().isBefore(s.start) ? r.timestamp() : s.start;
    Instant end = r.durationMs() == null ? r.timestamp() : r.timestamp().plusMillis(r.durationMs());
    s.end = s.end == null || end.isAfter(s.end) ? end : s.end;
    String at = IngestSeq.format(r.timestampNanos(), r.recordId());
    if (r.sessionId() != null && (s.sessionAt == null || at.compareTo(s.sessionAt) <= 0)) {
      s.sessionId = r.sessionId();
      s.sessionAt = at;
    }
    if ((r.agentId() != null || r.agentName() != null)
        && (s.agentAt == null || at.compareTo(s.agentAt) <= 0)) {
      s.agentId = r.agentId();
      s.agentName = r.agentName();
      s.agentAt = at;
    }
    if (r.type() == RecordType.PROMPT && (s.promptAt == null || at.compareTo(s.promptAt) <= 0)) {
      s.prompt = TraceSummary.preview(r.text());
      s.promptAt = at;
    }
    if (r.type() == RecordType.RESPONSE && (s.stopAt == null || at.compareTo(s.stopAt) >= 0)) {
      s.stopReason = r.finishReason();
      s.stopError = r.error() != null;
      s.stopSpan = r.spanId();
      s.stopAt = at;
    }
    if (r.tool() != null && r.tool().name() != null) {
      s.tools.add(r.tool().name());
    }
    boolean failed = r.type() == RecordType.ERROR || r.error() != null;
    s.error |= failed;
    if (failed) {
      s.failedSpans.add(r.spanId());
    }
    s.answered |= r.type() == RecordType.RESPONSE;
  }

  /** {@link UsageAccounting}, applied under the lock: count, move or leave {@code r}'s usage. */
  private void count(TraceKey key, Summary s, FunctionalRecord r) {
    UsageAccounting.Role role = UsageAccounting.role(r);
    Contribution now = UsageAccounting.contribution(r);
    if (role == UsageAccounting.Role.CALL) {
      Contribution before = s.calls.get(r.recordId());
      if (now.sameAs(before)) {
        return; // counted as it is
      }
      if (before != null) {
        apply(key, s, before, UsageAccounting.negated(before.usage()));
      }
      if (s.mode != UsageAccounting.Mode.CALLS) {
        for (Contribution back : s.agentLevel.values()) {
          apply(key, s, back, UsageAccounting.negated(back.usage()));
        }
        s.agentLevel.clear();
        s.mode = UsageAccounting.Mode.CALLS;
      }
      s.calls.put(r.recordId(), now);
      apply(key, s, now, UsageAccounting.counts(now.usage()));
    } else if (role == UsageAccounting.Role.AGENT_LEVEL && s.mode != UsageAccounting.Mode.CALLS) {
      Contribution before = s.agentLevel.get(r.recordId());
      if (now.sameAs(before)) {
        return;
      }
      if (before != null) {
        apply(key, s, before, UsageAccounting.negated(before.usage()));
      }
      s.mode = UsageAccounting.Mode.AGENT_LEVEL;
      s.agentLevel.put(r.recordId(), now);
      apply(key, s, now, UsageAccounting.counts(now.usage()));
    }
  }

  /** Takes back whatever {@code recordId} counts, under the lock. */
  private void uncount(TraceKey key, Summary s, String recordId) {
    Contribution call = s.calls.remove(recordId);
    if (call != null) {
      apply(key, s, call, UsageAccounting.negated(call.usage()));
    }
    Contribution agentLevel = s.agentLevel.remove(recordId);
    if (agentLevel != null) {
      apply(key, s, agentLevel, UsageAccounting.negated(agentLevel.usage()));
    }
  }

  private void apply(TraceKey key, Summary s, Contribution c, long[] delta) {
    for (Target t : c.targets(key.tenant(), key.w3cTraceId())) {
      UsageAccounting.add(
          aggregates.computeIfAbsent(
              new AggregateKey(key.tenant(), t.kind(), t.day(), t.value(), t.model()),
              k -> new long[5]),
          delta);
    }
    UsageAccounting.add(s.usage, delta);
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findByTrace(String tenant, String traceId) {
    TraceKey key = new TraceKey(tenant, TraceIds.toW3c(traceId));
    synchronized (lock) {
      Map<String, StoredRecord> trace = traces.get(key);
      List<FunctionalRecord> found =
          trace == null
              ? List.of()
              : trace.values().stream().map(StoredRecord::record).sorted(FunctionalRecord.TIMELINE).toList();
      return CompletableFuture.completedFuture(found);
    }
  }

  @Override
  public CompletionStage<List<FunctionalRecord>> findBySession(String tenant, String sessionId) {
    synchronized (lock) {
      List<FunctionalRecord> found =
          traces.entrySet().stream()
              .filter(e -> e.getKey().tenant().equals(tenant))
              .flatMap(e -> e.getValue().values().stream())
              .map(StoredRecord::record)
              .filter(r -> Objects.equals(r.sessionId(), sessionId))
              .sorted(FunctionalRecord.TIMELINE)
              .toList();
      return CompletableFuture.completedFuture(found);
    }
  }

  @Override
  public CompletionStage<List<StoredRecord>> feed(
      String tenant, FeedScope scope, String id, @Nullable String afterSeq, int limit) {
    String traceId = scope == FeedScope.TRACE ? TraceIds.toW3c(id) : null;
    synchronized (lock) {
      List<StoredRecord> found =
          traces.entrySet().stream()
              .filter(e -> e.getKey().tenant().equals(tenant))
              .filter(e -> traceId == null || e.getKey().w3cTraceId().equals(traceId))
              .flatMap(e -> e.getValue().values().stream())
              .filter(s -> switch (scope) {
                case TRACE -> true;
                case SESSION -> id.equals(s.record().sessionId());
                case AGENT -> id.equals(s.record().agentId());
              })
              .filter(s -> afterSeq == null || s.seq().compareTo(afterSeq) > 0)
              .sorted(Comparator.comparing(StoredRecord::seq))
              .limit(limit)
              .toList();
      return CompletableFuture.completedFuture(found);
    }
  }

  @Override
  public CompletionStage<TracePage> listTraces(String tenant, TraceQuery query) {
    synchronized (lock) {
      List<TraceSummary> all =
          summaries.entrySet().stream()
              .filter(e -> e.getKey().tenant().equals(tenant))
              .filter(e -> query.matchesScope(e.getValue().sessionId, e.getValue().agentId))
              .filter(e -> query.inRange(e.getValue().start))
              .map(e -> toSummary(e.getKey().w3cTraceId(), e.getValue()))
              .sorted(Comparator.comparing(InMemoryTraceStore::pageKey).reversed())
              .filter(t -> query.cursor() == null || pageKey(t).compareTo(query.cursor()) < 0)
              .limit(query.limit() + 1L)
              .toList();
      boolean more = all.size() > query.limit();
      List<TraceSummary> page = more ? all.subList(0, query.limit()) : all;
      return CompletableFuture.completedFuture(
          new TracePage(page, more ? pageKey(page.get(page.size() - 1)) : null));
    }
  }

  /** Page order and cursor: start time, then trace id. */
  private static String pageKey(TraceSummary t) {
    return IngestSeq.format(t.start().getEpochSecond() * 1_000_000_000L + t.start().getNano(), t.traceId());
  }

  private static TraceSummary toSummary(String traceId, Summary s) {
    return new TraceSummary(
        traceId, TraceIds.toXray(traceId), s.sessionId, s.agentId, s.agentName, s.start, s.end,
        Math.max(0, s.end.toEpochMilli() - s.start.toEpochMilli()),
        TraceSummary.status(s.error, s.answered, s.stopReason,
            s.stopError || s.failedSpans.contains(s.stopSpan)), UsageAccounting.usage(s.usage),
        List.copyOf(s.tools), s.prompt, s.stopReason);
  }

  @Override
  public CompletionStage<List<UsageCell>> usage(
      String tenant, UsageKind kind, LocalDate from, LocalDate to) {
    synchronized (lock) {
      List<UsageCell> cells =
          aggregates.entrySet().stream()
              .filter(e -> e.getKey().tenant().equals(tenant) && e.getKey().kind() == kind)
              .filter(e -> !e.getKey().day().isBefore(from) && !e.getKey().day().isAfter(to))
              .map(e -> new UsageCell(e.getKey().day(), e.getKey().value(), e.getKey().model(),
                  UsageAccounting.usage(e.getValue())))
              .filter(c -> !c.usage().equals(Usage.ZERO))
              .toList();
      return CompletableFuture.completedFuture(cells);
    }
  }

  @Override
  public CompletionStage<TraceSnapshot> snapshot(String tenant, String traceId) {
    TraceKey key;
    try {
      key = new TraceKey(tenant, TraceIds.toW3c(traceId));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new StoreException(e.getMessage(), false, e));
    }
    synchronized (lock) {
      Map<String, StoredRecord> trace = traces.getOrDefault(key, Map.of());
      List<FunctionalRecord> records = trace.values().stream()
          .map(StoredRecord::record).sorted(FunctionalRecord.TIMELINE).toList();
      return CompletableFuture.completedFuture(new TraceSnapshot(
          records, spans.getOrDefault(key, Map.of()), passes.getOrDefault(key, 0L)));
    }
  }

  @Override
  public CompletionStage<Void> putSpans(String tenant, Collection<SpanNode> put) {
    if (shutdown) {
      return CompletableFuture.failedFuture(new StoreException("store is shut down", false));
    }
    for (SpanNode span : put) {
      if (!TraceIds.isValid(span.traceId())) {
        return CompletableFuture.failedFuture(
            new StoreException("span " + span.spanId() + " has an invalid traceId", false));
      }
    }
    synchronized (lock) {
      for (SpanNode span : put) {
        spans.computeIfAbsent(new TraceKey(tenant, TraceIds.toW3c(span.traceId())), k -> new HashMap<>())
            .put(span.spanId(), span);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> remove(String tenant, String traceId, Collection<String> recordIds) {
    if (shutdown) {
      return CompletableFuture.failedFuture(new StoreException("store is shut down", false));
    }
    if (!TraceIds.isValid(traceId)) {
      return CompletableFuture.failedFuture(
          new StoreException("records of an invalid traceId " + traceId, false));
    }
    TraceKey key = new TraceKey(tenant, TraceIds.toW3c(traceId));
    List<String> removed = new ArrayList<>();
    synchronized (lock) {
      Map<String, StoredRecord> trace = traces.getOrDefault(key, new HashMap<>());
      Summary summary = summaries.get(key);
      for (String id : recordIds) {
        if (trace.remove(id) != null) {
          removed.add(id);
        }
        if (summary != null) {
          uncount(key, summary, id);
        }
      }
    }
    if (!removed.isEmpty()) {
      List<String> view = List.copyOf(removed);
      listeners.forEach(l -> l.removed(tenant, key.w3cTraceId(), view));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> finishPass(String tenant, String traceId, long passesSeen) {
    if (!TraceIds.isValid(traceId)) {
      return CompletableFuture.failedFuture(
          new StoreException("a pass over an invalid traceId " + traceId, false));
    }
    TraceKey key = new TraceKey(tenant, TraceIds.toW3c(traceId));
    synchronized (lock) {
      long before = passes.getOrDefault(key, 0L);
      passes.put(key, before + 1);
      return CompletableFuture.completedFuture(before == passesSeen);
    }
  }

  @Override
  public CompletionStage<Void> shutdown() {
    shutdown = true;
    return CompletableFuture.completedFuture(null);
  }
}
