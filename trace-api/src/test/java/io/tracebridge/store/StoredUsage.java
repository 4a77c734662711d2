package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.Usage;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * What billing must show for stored records, computed from the records alone: the expectation
 * of crash tests, which compare it with the aggregates the store kept.
 */
public final class StoredUsage {
  private StoredUsage() {}

  /**
   * The usage of one trace's stored records by the agent they count under ({@link
   * UsageAccounting.Contribution#agent()}): its model calls, or while it has none its agent-level
   * totals.
   */
  public static Map<String, Usage> byAgent(Collection<FunctionalRecord> trace) {
    boolean calls = trace.stream().anyMatch(r -> UsageAccounting.role(r) == UsageAccounting.Role.CALL);
    UsageAccounting.Role counting = calls ? UsageAccounting.Role.CALL : UsageAccounting.Role.AGENT_LEVEL;
    Map<String, Usage> byAgent = new HashMap<>();
    for (FunctionalRecord r : trace) {
      if (UsageAccounting.role(r) == counting) {
        UsageAccounting.Contribution c = UsageAccounting.contribution(r);
        byAgent.merge(c.agent(), c.usage(), Usage::plus);
      }
    }
    return byAgent;
  }
}
