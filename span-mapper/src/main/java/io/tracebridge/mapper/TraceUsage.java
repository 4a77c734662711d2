package io.tracebridge.mapper;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Token totals for a set of records, counting each model call exactly once.
 *
 * <p>The rule: sum {@link FunctionalRecord#usage()} over the records, one per record id (a
 * record id is one step; the same span exported twice yields the same id). Only a {@link
 * RecordType#MODEL_RESPONSE} carries {@code usage}, the usage of the one call it is, so this is
 * the sum over the model calls. Agent-level totals ({@link FunctionalRecord#totalUsage()} on
 * {@link RecordType#RESPONSE} records, accumulated by the producer over the agent's calls) are
 * used only when no record carries {@code usage} (a producer that reports totals only): then the
 * trace's total is the sum of its {@code response} records' totals. They never add to the
 * per-call sum.
 */
public final class TraceUsage {
  private TraceUsage() {}

  public static Usage total(Collection<FunctionalRecord> records) {
    Map<String, Usage> perCall = new HashMap<>();
    Map<String, Usage> agentLevel = new HashMap<>();
    for (FunctionalRecord r : records) {
      if (r.usage() != null) {
        perCall.put(r.recordId(), r.usage());
      }
      if (r.type() == RecordType.RESPONSE && r.totalUsage() != null) {
        agentLevel.put(r.recordId(), r.totalUsage());
      }
    }
    Map<String, Usage> source = perCall.isEmpty() ? agentLevel : perCall;
    return source.values().stream().reduce(Usage.ZERO, Usage::plus);
  }
}
