package io.tracebridge.store;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.Usage;
import io.tracebridge.mapper.UsageRule;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * The billing rule both stores apply at write time, so that totals never need a record scan.
 *
 * <p>Which records count, and as what, is span-mapper's {@link UsageRule} (the rule {@link
 * io.tracebridge.mapper.TraceUsage} and the CloudWatch metrics follow too); this class keeps the
 * aggregates true to it as records arrive, move and go.
 *
 * <p><b>Invariant:</b> at every moment the aggregates equal the sum of the {@link #contribution
 * contributions} of the records stored now, counted as {@link io.tracebridge.mapper.TraceUsage}
 * counts them: each model call once, under the agent, session, model and day its stored record
 * has <em>now</em>.
 *
 * <ul>
 *   <li>A record with non-zero {@code usage} is one model call ({@link Role#CALL}): only a {@link
 *       RecordType#MODEL_RESPONSE} carries {@code usage}, the usage of the one call it is. Its count is kept with a marker that records what it was counted under
 *       ({@link Contribution#signature()}). A re-export or a retried write finds the marker equal
 *       and counts nothing; a new version of the record whose contribution differs (its agent or
 *       session became known or was corrected, say) <em>moves</em> the count: the old
 *       contribution is taken out of its aggregates and the new one added, in one atomic write
 *       conditioned on the marker being what was read, so a race or a retry never moves it twice.
 *       A record removed from the store (superseded by the step it duplicated) takes its count
 *       with it.
 *   <li>A {@link RecordType#RESPONSE} with a non-zero agent-level total ({@code totalUsage}) is
 *       {@link Role#AGENT_LEVEL}:
 *       it counts only while its trace has no counted call. The first call that arrives in such a
 *       trace takes the agent-level totals back out (in the same atomic write) and the trace
 *       counts calls from then on; agent-level totals that arrive after are ignored. While they
 *       count, they move with their record like calls do.
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
   * What one record contributes to the aggregates: its usage under its day, agent (id, else
   * name, else {@link #UNKNOWN}), session (else {@link #NONE}) and model (else {@link #UNKNOWN}).
   */
  public record Contribution(
      String recordId, LocalDate day, String agent, String session, String model, Usage usage) {

    public Contribution {
      Objects.requireNonNull(recordId, "recordId");
      Objects.requireNonNull(day, "day");
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(usage, "usage");
    }

    public List<Target> targets(String tenant, String traceId) {
      return UsageAccounting.targets(tenant, traceId, day, agent, session, model);
    }

    /**
     * What this contribution was counted under, as one string: equal for equal contributions
     * (record id aside), unambiguous whatever the values hold (each part is length-prefixed).
     * Markers store it; a move is conditioned on it.
     */
    public String signature() {
      long[] c = counts(usage);
      StringBuilder b = new StringBuilder();
      for (String part : new String[] {day.toString(), agent, session, model}) {
        b.append(part.length()).append(':').append(part).append('|');
      }
      for (int i = 0; i < c.length; i++) {
        b.append(i == 0 ? "" : ",").append(c[i]);
      }
      return b.toString();
    }

    /** True when this and {@code other} count the same under the same aggregates. */
    public boolean sameAs(@Nullable Contribution other) {
      return other != null && signature().equals(other.signature());
    }
  }

  /** How {@code r} counts: span-mapper's {@link UsageRule#role}, the one rule of TraceBridge. */
  public static Role role(FunctionalRecord r) {
    return switch (UsageRule.role(r)) {
      case CALL -> Role.CALL;
      case AGENT_LEVEL -> Role.AGENT_LEVEL;
      case NONE -> Role.NONE;
    };
  }

  /** What {@code r} contributes; null when its {@link #role} is {@link Role#NONE}. */
  @Nullable
  public static Contribution contribution(FunctionalRecord r) {
    Role role = role(r);
    if (role == Role.NONE) {
      return null;
    }
    return new Contribution(
        r.recordId(),
        day(r),
        orElse(r.agentId() != null ? r.agentId() : r.agentName(), UNKNOWN),
        orElse(r.sessionId(), NONE),
        orElse(r.model(), UNKNOWN),
        UsageRule.counted(r));
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
