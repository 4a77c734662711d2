package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.Usage;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The billing rule both stores apply at write time, so that totals never need a record scan.
 *
 * <ul>
 *   <li>A {@link RecordType#MODEL_RESPONSE} with non-zero usage is one model call ({@link
 *       Role#CALL}), counted once per record id: a re-export or a retried write finds the
 *       call's marker and counts nothing.
 *   <li>A {@link RecordType#RESPONSE} with non-zero usage is an agent-level total ({@link
 *       Role#AGENT_LEVEL}): it counts only while its trace has no counted call. The first call
 *       that arrives in such a trace takes the agent-level totals back out (in the same atomic
 *       write) and the trace counts calls from then on; agent-level totals that arrive after are
 *       ignored. This matches {@link io.tracebridge.mapper.TraceUsage#total} at every moment.
 *   <li>A record without usage (or with all zeros) counts nothing and leaves no marker, so the
 *       same record arriving again with usage counts then, once.
 *   <li>Each count goes to the {@link UsageKind} aggregates of its UTC day (from the record's
 *       timestamp), value and model, and to the trace's summary.
 * </ul>
 */
public final class UsageAccounting {
  /** Stands for a missing model or agent id in aggregates. */
  public static final String UNKNOWN = "(unknown)";
  /** Stands for a missing session id in aggregates. */
  public static final String NONE = "(none)";

  private UsageAccounting() {}

  /** How a record counts. */
  public enum Role {
    CALL,
    AGENT_LEVEL,
    NONE
  }

  /** The trace's counting mode once something was counted in it. */
  public enum Mode {
    CALLS,
    AGENT_LEVEL
  }

  /** One aggregate a count goes to. */
  public record Target(UsageKind kind, LocalDate day, String value, String model) {}

  /**
   * What an agent-level record contributed, kept with the trace so that it can be taken back
   * exactly when the trace's first model call arrives.
   */
  public record Contribution(
      String recordId, LocalDate day, String agent, String session, String model, Usage usage) {

    public List<Target> targets(String tenant, String traceId) {
      return UsageAccounting.targets(tenant, traceId, day, agent, session, model);
    }
  }

  public static Role role(FunctionalRecord r) {
    if (r.usage() == null || r.usage().isZero()) {
      return Role.NONE;
    }
    if (r.type() == RecordType.MODEL_RESPONSE) {
      return Role.CALL;
    }
    if (r.type() == RecordType.RESPONSE) {
      return Role.AGENT_LEVEL;
    }
    return Role.NONE;
  }

  /** What {@code r} (which must have usage) contributes. */
  public static Contribution contribution(FunctionalRecord r) {
    return new Contribution(
        r.recordId(),
        day(r),
        orElse(r.agentId() != null ? r.agentId() : r.agentName(), UNKNOWN),
        orElse(r.sessionId(), NONE),
        orElse(r.model(), UNKNOWN),
        r.usage());
  }

  public static LocalDate day(FunctionalRecord r) {
    return LocalDate.ofInstant(r.timestamp(), ZoneOffset.UTC);
  }

  static List<Target> targets(
      String tenant, String traceId, LocalDate day, String agent, String session, String model) {
    return List.of(
        new Target(UsageKind.TENANT, day, tenant, model),
        new Target(UsageKind.AGENT, day, agent, model),
        new Target(UsageKind.SESSION, day, session, model),
        new Target(UsageKind.TRACE, day, traceId, model));
  }

  /** {@code u} with every count negated, for taking a contribution back (never a {@link Usage}). */
  public static long[] negated(Usage u) {
    return new long[] {
      -u.inputTokens(), -u.outputTokens(), -u.cacheReadTokens(), -u.cacheWriteTokens(),
      -u.reasoningTokens()
    };
  }

  /** The counts of {@code u} as an array in {@link Usage}'s field order. */
  public static long[] counts(Usage u) {
    return new long[] {
      u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens(),
      u.reasoningTokens()
    };
  }

  /** The usage of counts summed into an array; negative sums (mid-update) read as zero. */
  public static Usage usage(long[] c) {
    return new Usage(
        Math.max(0, c[0]), Math.max(0, c[1]), Math.max(0, c[2]), Math.max(0, c[3]),
        Math.max(0, c[4]));
  }

  public static void add(long[] into, long[] delta) {
    for (int i = 0; i < into.length; i++) {
      into[i] += delta[i];
    }
  }

  private static String orElse(@Nullable String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
