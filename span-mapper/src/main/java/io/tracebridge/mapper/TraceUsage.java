package io.tracebridge.mapper;

import java.util.Collection;
import javax.annotation.Nullable;

/**
 * Token totals for a set of records, counting each model call exactly once: the one rule every
 * sum of TraceBridge follows (the legacy view's tokens included).
 *
 * <p>The rule is {@link UsageRule}'s, which the stores and the CloudWatch metrics apply too:
 * sum {@link FunctionalRecord#usage()} over the records, one per record id (a record
 * id is one step; the same span exported twice yields the same id). A record's {@code usage} is only
 * ever the usage of the one model call it is (the mapper sets it on {@link
 * RecordType#MODEL_RESPONSE} records only), so this is the sum over the model calls. Agent-level totals ({@link #agentTotal}: {@link FunctionalRecord#totalUsage()} on {@link
 * RecordType#RESPONSE} records, accumulated by the producer over the agent's calls) are used only
 * when no record has (non-zero) call usage (a producer that reports totals only): then the total is the sum
 * of the {@code response} records' totals. They never add to the per-call sum.
 */
public final class TraceUsage {
  private TraceUsage() {}

  /** The usage of {@code records}, each model call once: {@link UsageRule#total}. */
  public static Usage total(Collection<FunctionalRecord> records) {
    return UsageRule.total(records);
  }

  /**
   * The usage of the model call {@code record} is, or null: its {@code usage} when {@link
   * UsageRule#role} counts it as a call (non-zero).
   */
  @Nullable
  public static Usage callUsage(FunctionalRecord record) {
    return UsageRule.role(record) == UsageRule.Role.CALL ? record.usage() : null;
  }

  /**
   * The agent-level total {@code record} carries, or null: a {@code response}'s non-zero {@code
   * totalUsage} ({@link UsageRule.Role#AGENT_LEVEL}).
   */
  @Nullable
  public static Usage agentTotal(FunctionalRecord record) {
    return UsageRule.role(record) == UsageRule.Role.AGENT_LEVEL ? record.totalUsage() : null;
  }
}
