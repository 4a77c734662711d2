package io.tracebridge.receiver;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.TraceReader;
import io.tracebridge.store.TraceSink;
import io.tracebridge.store.TraceStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import javax.annotation.Nullable;

/**
 * A {@link TraceSink} decorator over the durable store that fills in trace context records lack
 * because their spans arrived before the span that carries it (children first, the root last;
 * logs before their span).
 *
 * <p><b>Context</b> is {@code sessionId}, {@code agentId} and {@code agentName}. The mapper
 * shares it only among the spans of one request; across requests this class does. For each
 * (tenant, trace) it keeps the first value seen of each field. A record's own value is never
 * replaced: only a field the record lacks is filled, so in a multi-agent trace a sub-agent's
 * records keep their own agent, and a record without one shows the first agent known for the trace.
 *
 * <p><b>What {@link #accept} does</b>, per trace in the batch:
 *
 * <ol>
 *   <li>Records lacking a field get the trace's known value (from the cache, or from another
 *       record of the same batch), then the batch is written to the store.
 *   <li>When the batch brings a field the cache did not know for the trace (including a trace the
 *       cache has never seen, or has forgotten), the trace's stored records are read back ({@link
 *       TraceReader#findByTrace}) and those lacking it are written again, filled. Same record ids,
 *       so the store overwrites them: never a duplicate.
 *   <li>After its write, a batch whose records still lack a field checks the cache again and
 *       rewrites them if a concurrent batch has meanwhile learnt it. Together with step 2 (a batch
 *       records what it learnt in the cache before it reads back) this closes the race between a
 *       child batch and its root batch on one node.
 * </ol>
 *
 * <p>The stage completes when all of that is durable, and fails (with the store's classified
 * {@code StoreException}) if any of it failed; a trace whose read-back failed is read back again
 * by the next batch of that trace, so the sender's retry finishes the job.
 *
 * <p><b>Cost.</b> At most one trace read per trace per node while the trace is cached, plus one
 * per later batch that brings a field still unknown. Ordinary single-request traces cost one
 * read of a trace that holds only their own records.
 *
 * <p><b>Memory is bounded</b>: at most {@code maxTraces} traces are cached (least recently used
 * evicted), each with three strings of at most {@value #MAX_CACHED_VALUE_CHARS} characters
 * (longer values are used within their batch but not cached): with the default {@value
 * #DEFAULT_MAX_TRACES} traces, under 20 MB in the worst case and about 3 MB for typical ids. An
 * evicted trace costs one extra read when its context next arrives, never a wrong record.
 *
 * <p><b>Limits.</b> Fill-in across nodes: each node caches what it saw; a root handled by another
 * node still fills the stored records (step 2 reads the store), but a child stored on node A while
 * node B handles the root concurrently can miss it. Thread-safe.
 */
public final class TraceContextFiller implements TraceSink {
  /** Traces whose context is cached by default. */
  public static final int DEFAULT_MAX_TRACES = 10_000;
  /** Values longer than this are not cached (ids and names are short; this bounds memory). */
  static final int MAX_CACHED_VALUE_CHARS = 256;

  private final TraceSink store;
  private final TraceReader reader;
  private final int maxTraces;
  private final Map<TraceKey, Entry> cache;
  private final AtomicLong readBacks = new AtomicLong();
  private final AtomicLong rewritten = new AtomicLong();

  /** Over {@code store}, with {@link #DEFAULT_MAX_TRACES}. */
  public TraceContextFiller(TraceStore store) {
    this(store, store, DEFAULT_MAX_TRACES);
  }

  /**
   * @param store where records are written (the durable store)
   * @param reader reads the same store back (strongly consistent by trace)
   * @param maxTraces traces whose context is cached, at least 1
   */
  public TraceContextFiller(TraceSink store, TraceReader reader, int maxTraces) {
    if (maxTraces < 1) {
      throw new IllegalArgumentException("maxTraces must be at least 1, was " + maxTraces);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.maxTraces = maxTraces;
    this.cache = new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<TraceKey, Entry> eldest) {
        return size() > TraceContextFiller.this.maxTraces;
      }
    };
  }

  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Map<TraceKey, List<FunctionalRecord>> byTrace = new LinkedHashMap<>();
    for (FunctionalRecord r : records) {
      byTrace.computeIfAbsent(TraceKey.of(r), k -> new ArrayList<>()).add(r);
    }
    List<FunctionalRecord> filled = new ArrayList<>(records.size());
    List<Plan> plans = new ArrayList<>(byTrace.size());
    for (Map.Entry<TraceKey, List<FunctionalRecord>> trace : byTrace.entrySet()) {
      Context brought = Context.NONE;
      for (FunctionalRecord r : trace.getValue()) {
        brought = brought.orElse(Context.of(r));
      }
      Learnt learnt = learn(trace.getKey(), brought);
      List<FunctionalRecord> batch = new ArrayList<>(trace.getValue().size());
      for (FunctionalRecord r : trace.getValue()) {
        batch.add(learnt.known().fill(r));
      }
      filled.addAll(batch);
      plans.add(new Plan(trace.getKey(), batch, learnt));
    }
    return store.accept(filled).thenCompose(v -> {
      List<CompletableFuture<Void>> followUps = new ArrayList<>();
      for (Plan plan : plans) {
        followUps.add(followUp(plan).toCompletableFuture());
      }
      return CompletableFuture.allOf(followUps.toArray(CompletableFuture[]::new));
    });
  }

  @Override
  public CompletionStage<Void> shutdown() {
    return store.shutdown();
  }

  /** Trace read-backs since start (for tests and metrics). */
  public long readBacks() {
    return readBacks.get();
  }

  /** Stored records written again with filled-in context since start. */
  public long rewritten() {
    return rewritten.get();
  }

  /** Traces cached now, at most {@code maxTraces}. */
  public synchronized int cachedTraces() {
    return cache.size();
  }

  /** Merges what a batch brought into the cache; says what is known now and what was new. */
  private synchronized Learnt learn(TraceKey key, Context brought) {
    Entry entry = cache.get(key);
    Context before = entry == null ? Context.NONE : entry.context;
    Context known = before.orElse(brought);
    boolean adds = entry == null ? !brought.isEmpty() : known.hasMoreThan(before);
    if (entry == null) {
      entry = new Entry();
      cache.put(key, entry);
    }
    entry.context = known.cacheable();
    if (adds) {
      entry.generation++;
      entry.readBackPending = true;
    }
    boolean readBack = entry.readBackPending && !known.isEmpty();
    return new Learnt(known, readBack, entry.generation);
  }

  private synchronized Context cached(TraceKey key) {
    Entry entry = cache.get(key);
    return entry == null ? Context.NONE : entry.context;
  }

  private synchronized void readBackDone(TraceKey key, long generation) {
    Entry entry = cache.get(key);
    if (entry != null && entry.generation == generation) {
      entry.readBackPending = false;
    }
  }

  private CompletionStage<Void> followUp(Plan plan) {
    // Step 3: a concurrent batch of the same trace may have learnt what this batch lacked.
    Context now = plan.learnt.known().orElse(cached(plan.key));
    List<FunctionalRecord> late = new ArrayList<>();
    for (FunctionalRecord r : plan.batch) {
      FunctionalRecord f = now.fill(r);
      if (!f.equals(r)) {
        late.add(f);
      }
    }
    CompletionStage<Void> lateWrite = rewrite(late);
    if (!plan.learnt.readBack()) {
      return lateWrite;
    }
    // Step 2: records stored by earlier batches lack what this batch brought.
    readBacks.incrementAndGet();
    return lateWrite
        .thenCompose(v -> reader.findByTrace(plan.key.tenant(), plan.key.traceId()))
        .thenCompose(stored -> {
          List<FunctionalRecord> lacking = new ArrayList<>();
          for (FunctionalRecord r : stored) {
            FunctionalRecord f = now.fill(r);
            if (!f.equals(r)) {
              lacking.add(f);
            }
          }
          return rewrite(lacking);
        })
        .thenRun(() -> readBackDone(plan.key, plan.learnt.generation()));
  }

  private CompletionStage<Void> rewrite(List<FunctionalRecord> records) {
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    rewritten.addAndGet(records.size());
    return store.accept(records);
  }

  private record TraceKey(String tenant, String traceId) {
    static TraceKey of(FunctionalRecord r) {
      return new TraceKey(r.tenant(), TraceIds.toW3c(r.traceId()));
    }
  }

  private static final class Entry {
    Context context = Context.NONE;
    long generation;
    boolean readBackPending;
  }

  private record Learnt(Context known, boolean readBack, long generation) {}

  private record Plan(TraceKey key, List<FunctionalRecord> batch, Learnt learnt) {}

  /** The context fields; null when unknown. */
  private record Context(
      @Nullable String sessionId, @Nullable String agentId, @Nullable String agentName) {
    static final Context NONE = new Context(null, null, null);

    static Context of(FunctionalRecord r) {
      return new Context(r.sessionId(), r.agentId(), r.agentName());
    }

    boolean isEmpty() {
      return sessionId == null && agentId == null && agentName == null;
    }

    /** This context, with the fields it lacks taken from {@code other}. */
    Context orElse(Context other) {
      return new Context(
          sessionId != null ? sessionId : other.sessionId,
          agentId != null ? agentId : other.agentId,
          agentName != null ? agentName : other.agentName);
    }

    boolean hasMoreThan(Context other) {
      return (sessionId != null && other.sessionId == null)
          || (agentId != null && other.agentId == null)
          || (agentName != null && other.agentName == null);
    }

    /** Without values too long to cache. */
    Context cacheable() {
      return new Context(bounded(sessionId), bounded(agentId), bounded(agentName));
    }

    private static String bounded(@Nullable String value) {
      return value != null && value.length() <= MAX_CACHED_VALUE_CHARS ? value : null;
    }

    /** {@code r} with the fields it lacks filled from this context (itself if none). */
    FunctionalRecord fill(FunctionalRecord r) {
      boolean session = r.sessionId() == null && sessionId != null;
      boolean agent = r.agentId() == null && agentId != null;
      boolean name = r.agentName() == null && agentName != null;
      if (!session && !agent && !name) {
        return r;
      }
      FunctionalRecord.Builder b = r.toBuilder();
      if (session) {
        b.sessionId(sessionId);
      }
      if (agent) {
        b.agentId(agentId);
      }
      if (name) {
        b.agentName(agentName);
      }
      return b.build();
    }
  }
}
