package io.tracebridge.mapper;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Token totals for a set of records, counting each model call exactly once: the one rule every
 * sum of TraceBridge follows (the legacy view's tokens included).
 *
 * <p>The rule: sum {@link FunctionalRecord#usage()} over the records, one per record id (a record
 * id is one step; the same span exported twice yields the same id). A record's {@code usage} is only
 * ever the usage of the one model call it is (the mapper sets it on {@link
 * RecordType#MODEL_RESPONSE} records only), so this is the sum over the model calls. Agent-level totals ({@link #agentTotal}: {@link FunctionalRecord#totalUsage()} on {@link
 * RecordType#RESPONSE} records, accumulated by the producer over the agent's calls) are used only
 * when no record has call usage (a producer that reports totals only): then the total is the sum
 * of the {@code response} records' totals. They never add to the per-call sum.
 */
public final class TraceUsage {
  private TraceUsage() {}

  public static Usage total(Collection<FunctionalRecord> records) {
    Map<String, Usage> perCall = new HashMap<>();
    Map<String, Usage> agentLevel = new HashMap<>();
    for (FunctionalRecord r : records) {
      Usage call = callUsage(r);
      if (call != null) {
        perCall.put(r.recordId(), call);
      }
      Usage agent = agentTotal(r);
      if (agent != null) {
        agentLevel.put(r.recordId(), agent);
      }
    }
    Map<String, Usage> source = perCall.isEmpty() ? agentLevel : perCall;
    return source.values().stream().reduce(Usage.ZERO, Usage::plus);
  }

  /** The usage of the model call {@code record} is, or null: its {@code usage}. */
  @Nullable
  public static Usage callUsage(FunctionalRecord record) {
    return record.usage();
  }

  /** The agent-level total {@code record} carries, or null: a {@code response}'s {@code totalUsage}. */
  @Nullable
  public static Usage agentTotal(FunctionalRecord record) {
    return record.type() == RecordType.RESPONSE ? record.totalUsage() : null;
  }
}
