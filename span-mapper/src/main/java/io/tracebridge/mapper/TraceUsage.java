package io.tracebridge.mapper;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Token totals for a set of records, counting each model call exactly once.
 *
 * <p>The rule: sum the usage of {@link RecordType#MODEL_RESPONSE} records, one per record id (a
 * record id is one model call; the same span exported twice yields the same id). Agent-level
 * totals ({@link RecordType#RESPONSE} usage, accumulated by the producer over the calls) are
 * used only when no model call carries usage, so they never add to the per-call sum.
 */
public final class TraceUsage {
  private TraceUsage() {}

  public static Usage total(Collection<FunctionalRecord> records) {
    Map<String, Usage> perCall = new HashMap<>();
    Map<String, Usage> agentLevel = new HashMap<>();
    for (FunctionalRecord r : records) {
      if (r.usage() == null) {
        continue;
      }
      if (r.type() == RecordType.MODEL_RESPONSE) {
        perCall.put(r.recordId(), r.usage());
      } else if (r.type() == RecordType.RESPONSE) {
        agentLevel.put(r.recordId(), r.usage());
      }
    }
    Map<String, Usage> source = perCall.isEmpty() ? agentLevel : perCall;
    return source.values().stream().reduce(Usage.ZERO, Usage::plus);
  }
}
