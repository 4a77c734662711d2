package io.tracebridge.store.assembly;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanNode;
import io.tracebridge.mapper.TraceAssembly;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.StoreException;
import io.tracebridge.store.TraceAssemblyStore;
import io.tracebridge.store.TraceSink;
import io.tracebridge.store.TraceSnapshot;
import io.tracebridge.store.TraceStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's trace-level stage (a decorator of the durable store, used by the receiver): a
 * {@link TraceSink} over the store that assembles
 * each trace from spans that arrive children first, minutes apart, twice, on any node, with
 * span-mapper's {@link TraceAssembly}: one record per step (a hook event's copy of a model or
 * tool step, stored in one export, folded into the native step of another), and every record
 * with its nearest ancestor agent and session. Usage follows: the store moves a call's count when
 * its record's agent or session changes, and takes back the count of a record it removes.
 *
 * <p><b>The store is the meeting point</b>, not this object: the span topology of every export is
 * kept with the trace ({@link TraceAssemblyStore#putSpans}), so any node can attribute any record
 * later. For each trace of a batch, one <em>pass</em>:
 *
 * <ol>
 *   <li>read the trace back once ({@link TraceAssemblyStore#snapshot}: records, spans, passes);
 *   <li>attribute the batch's records and the stored ones over the stored spans plus the batch's;
 *   <li>store the batch's spans and write the batch's records and every stored record whose
 *       agent or session changed (same record ids: overwrites, never duplicates), in one call
 *       handing the snapshot back to the store ({@link TraceAssemblyStore#write(TraceSink,
 *       TraceSnapshot, String, java.util.Collection, List)}: spans and fresh records may share a
 *       batch), then remove stored records the assembly dropped;
 *   <li>{@link TraceAssemblyStore#finishPass finish the pass}: if another pass over the same trace
 *       (on any node) finished since the read, run the pass again.
 * </ol>
 *
 * <p>Why that is enough, for two batches A and B of one trace on two nodes: each pass writes
 * before it finishes, and passes finish in one order (an atomic counter). If A's read missed B's
 * writes, B's writes ended after A's read began, so B finished after A's read, and either A sees
 * that at its finish (and reads again) or B finished after A did, and then B's read came after
 * A's writes: the later of the two always works from what both wrote. So the stored records end
 * attributed over every span both brought, whatever the interleaving.
 *
 * <p><b>Cost</b> per export and trace: one strongly consistent Query of the trace, the span and
 * record writes, made from that snapshot ({@link TraceAssemblyStore#write}: the store reads
 * nothing again and batches the spans with the fresh records; plus
 * rewrites of records whose attribution changed), one UpdateItem for the pass; a pass with
 * nothing to write ends without it when {@link TraceAssemblyStore#settled} allows; a pass is repeated only when passes over
 * one trace overlap (after a short randomised pause, on a timer: no thread waits). <b>Memory</b>: nothing is kept between batches. A pass that keeps losing
 * (more than {@value #MAX_PASSES} times in a row) fails the export with a retryable error; its
 * records are stored and the sender's retry finishes the job.
 *
 * <p>Live records: the store's listeners hear every version written (and every removal, {@link
 * io.tracebridge.store.StoredRecordListener#removed}), so live clients follow the assembled
 * trace. Thread-safe; stages complete on the store's threads.
 */
public final class TraceContextFiller implements TraceSink {
  /** Passes over one trace for one batch before the batch fails (retryable). */
  static final int MAX_PASSES = 30;
  /** The first pause before a pass runs again; doubled each time, up to {@link #MAX_REPASS_DELAY_MS}, with jitter. */
  static final long FIRST_REPASS_DELAY_MS = 2;
  static final long MAX_REPASS_DELAY_MS = 200;

  private final TraceSink writer;
  private final TraceAssemblyStore assembly;
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong repeated = new AtomicLong();
  private final AtomicLong rewritten = new AtomicLong();
  private final AtomicLong removed = new AtomicLong();
  private final AtomicLong written = new AtomicLong();

  /**
   * Over {@code store}, which must also be a {@link TraceAssemblyStore} (the DynamoDB and
   * in-memory stores are).
   *
   * @throws IllegalArgumentException if it is not (wrap such a store with the two-argument
   *     constructor, passing the store underneath as the assembly store)
   */
  public TraceContextFiller(TraceStore store) {
    this(store, assemblyOf(store));
  }

  /**
   * @param writer where records are written (the durable store, or a decorator of it)
   * @param assembly the same store's trace assembly side
   */
  public TraceContextFiller(TraceSink writer, TraceAssemblyStore assembly) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.assembly = Objects.requireNonNull(assembly, "assembly");
  }

  private static TraceAssemblyStore assemblyOf(TraceStore store) {
    if (store instanceof TraceAssemblyStore a) {
      return a;
    }
    throw new IllegalArgumentException(store.getClass().getName() + " is no TraceAssemblyStore:"
        + " use new TraceContextFiller(store, assemblyStore) with the store it wraps");
  }

  /** Records without span topology (log records): attributed over the spans stored so far. */
  @Override
  public CompletionStage<Void> accept(List<FunctionalRecord> records) {
    return records.isEmpty()
        ? CompletableFuture.completedFuture(null)
        : accept(records.get(0).tenant(), records, List.of());
  }

  /**
   * Assembles the traces of {@code records} (all of {@code tenant}), with the topology of the
   * spans they came from ({@link io.tracebridge.mapper.MappingResult#spans()}; a trace may have
   * span nodes and no records).
   */
  @Override
  public CompletionStage<Void> accept(
      String tenant, List<FunctionalRecord> records, List<SpanNode> spans) {
    Map<String, List<SpanNode>> spansByTrace = new LinkedHashMap<>();
    Map<TraceKey, List<FunctionalRecord>> byTrace = new LinkedHashMap<>();
    try {
      for (SpanNode node : spans) {
        spansByTrace.computeIfAbsent(TraceIds.toW3c(node.traceId()), k -> new ArrayList<>()).add(node);
      }
      for (FunctionalRecord r : records) {
        byTrace.computeIfAbsent(new TraceKey(r.tenant(), TraceIds.toW3c(r.traceId())),
            k -> new ArrayList<>()).add(r);
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new StoreException("record cannot be stored: " + e.getMessage(), false, e));
    }
    for (String traceId : spansByTrace.keySet()) {
      byTrace.putIfAbsent(new TraceKey(tenant, traceId), new ArrayList<>());
    }
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (Map.Entry<TraceKey, List<FunctionalRecord>> trace : byTrace.entrySet()) {
      List<SpanNode> traceSpans = spansByTrace.getOrDefault(trace.getKey().traceId(), List.of());
      parts.add(pass(trace.getKey(), trace.getValue(), traceSpans, 1).toCompletableFuture());
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletionStage<Void> shutdown() {
    return writer.shutdown();
  }

  /** Passes over traces since start (for tests and metrics). */
  public long passes() {
    return passes.get();
  }

  /** Passes run again because another pass over the same trace finished meanwhile. */
  public long repeatedPasses() {
    return repeated.get();
  }

  /**
   * Stored records written again because their assembly changed (agent or session re-attributed,
   * a hook copy folded in) since start.
   */
  public long rewritten() {
    return rewritten.get();
  }

  /** Stored records removed as duplicates since start. */
  public long removed() {
    return removed.get();
  }

  /**
   * Records the passes wrote since start: the batches' own records that were new or changed,
   * plus the stored ones {@link #rewritten() rewritten} (what the stage filled in or stored).
   */
  public long recordsWritten() {
    return written.get();
  }

  private CompletionStage<Void> pass(TraceKey key, List<FunctionalRecord> incoming, List<SpanNode> spans, int attempt) {
    passes.incrementAndGet();
    return assembly.snapshot(key.tenant(), key.traceId()).thenCompose(snapshot -> {
      Plan plan = plan(snapshot, incoming, spans, r -> assembly.uncounted(snapshot, r));
      if (plan.writes().isEmpty() && plan.removals().isEmpty() && plan.newSpans().isEmpty()
          && assembly.settled(snapshot)) {
        // Everything the batch brings is stored as it is (an identical re-export) and no other
        // pass may still write over it: the pass changes nothing, so no other pass can miss
        // anything of it; it needs no finish.
        return CompletableFuture.completedFuture(null);
      }
      // The spans and the records in one go: the store may put them in one batch.
      return assembly.write(writer, snapshot, key.tenant(), plan.newSpans(), plan.writes())
          .thenCompose(v -> plan.removals().isEmpty()
              ? CompletableFuture.completedFuture(null)
              : assembly.remove(key.tenant(), key.traceId(), plan.removals()))
          .thenCompose(v -> assembly.finishPass(key.tenant(), key.traceId(), snapshot))
          .thenCompose(alone -> {
            rewritten.addAndGet(plan.rewrites());
            written.addAndGet(plan.writes().size());
            removed.addAndGet(plan.removals().size());
            if (alone) {
              return CompletableFuture.completedFuture(null);
            }
            if (attempt >= MAX_PASSES) {
              return CompletableFuture.failedFuture(new StoreException("trace " + key.traceId()
                  + " kept changing under concurrent exports; its records are stored, retry", true));
            }
            repeated.incrementAndGet();
            // Overlapping passes all but one run again: spread them out ("equal jitter"), on a
            // timer, so no store or event-loop thread waits.
            long delay = Math.min(MAX_REPASS_DELAY_MS, FIRST_REPASS_DELAY_MS << Math.min(attempt, 16));
            long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(jittered, TimeUnit.MILLISECONDS))
                .thenCompose(v -> pass(key, incoming, spans, attempt + 1));
          });
    });
  }

  /**
   * What one pass writes. {@code writes}: the assembled records that differ from their stored
   * version ({@code rewrites} of them stored records the batch did not bring); {@code removals}:
   * stored records the assembly superseded; {@code newSpans}: the batch's span nodes, joined with
   * their stored version, that the store does not hold as they are.
   */
  private record Plan(List<FunctionalRecord> writes, int rewrites, List<String> removals, List<SpanNode> newSpans) {}

  static Plan plan(TraceSnapshot snapshot, List<FunctionalRecord> incoming, List<SpanNode> spans) {
    return plan(snapshot, incoming, spans, r -> false);
  }

  /**
   * The pass's writes: every record the assembly changed, and every record of the batch stored
   * unchanged but with its usage still to count ({@code uncounted}: a writer died between the two),
   * so that its count lands before this export is acknowledged.
   */
  static Plan plan(TraceSnapshot snapshot, List<FunctionalRecord> incoming, List<SpanNode> spans,
      java.util.function.Predicate<FunctionalRecord> uncounted) {
    Map<String, SpanNode> topology = new HashMap<>(snapshot.spans());
    List<SpanNode> newSpans = new ArrayList<>();
    for (SpanNode span : spans) {
      SpanNode stored = topology.get(span.spanId());
      SpanNode joined = stored == null ? span : span.mergedWith(stored);
      if (!joined.equals(stored)) {
        newSpans.add(joined);
      }
      topology.put(joined.spanId(), joined);
    }
    Map<String, FunctionalRecord> stored = new LinkedHashMap<>();
    snapshot.records().forEach(r -> stored.put(r.recordId(), r));
    Set<String> incomingIds = new LinkedHashSet<>();
    incoming.forEach(r -> incomingIds.add(r.recordId()));
    List<FunctionalRecord> all = new ArrayList<>(snapshot.records());
    all.addAll(incoming);
    TraceAssembly.Result assembled = TraceAssembly.assemble(all, topology.values());
    List<FunctionalRecord> writes = new ArrayList<>();
    int rewrites = 0;
    for (FunctionalRecord r : assembled.records()) {
      FunctionalRecord before = stored.get(r.recordId());
      if (!r.equals(before) || (incomingIds.contains(r.recordId()) && uncounted.test(before))) {
        writes.add(r);
        if (before != null && !incomingIds.contains(r.recordId())) {
          rewrites++;
        }
      }
    }
    List<String> removals = new ArrayList<>();
    for (String id : assembled.supersededRecordIds()) {
      if (stored.containsKey(id)) {
        removals.add(id);
      }
    }
    return new Plan(writes, rewrites, removals, newSpans);
  }

  private record TraceKey(String tenant, String traceId) {}
}
