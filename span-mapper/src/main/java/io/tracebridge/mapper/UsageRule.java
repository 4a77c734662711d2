package io.tracebridge.mapper;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.OpenInference;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The one rule of what counts as a model call and as billable usage, for every module that counts
 * tokens: the sums over records ({@link TraceUsage}, the legacy view), the stores' billing
 * aggregates (trace-api's {@code UsageAccounting}) and the CloudWatch token metrics
 * (cloudwatch-export's {@code EmfMapper}). Pure and thread-safe.
 *
 * <p><b>Spans.</b> A span is a model call when its {@code gen_ai.operation.name} is one of {@link
 * #MODEL_OPERATIONS} (the semantic conventions' inference operations and the older names the
 * mapper also reads), or, without an operation, when its OpenInference kind is {@code LLM}, or
 * when it has neither ({@link #isModelCallSpan}). Agent spans ({@code invoke_agent}) are never
 * model calls: their counts are the agent's accumulated totals.
 *
 * <p><b>Records.</b> A record counts ({@link #role}):
 *
 * <ul>
 *   <li>as one model call ({@link Role#CALL}) when its {@code usage} is non-zero: only a {@link
 *       RecordType#MODEL_RESPONSE} carries {@code usage}, the usage of the one call it is;
 *   <li>as an agent-level total ({@link Role#AGENT_LEVEL}) when it is a {@link RecordType#RESPONSE}
 *       with a non-zero {@code totalUsage}: the producer's accumulated totals, which count only in
 *       a trace with no counted call (a producer that reports totals only);
 *   <li>not at all ({@link Role#NONE}) otherwise: no usage, or all zeros. A call whose counts are
 *       all zero adds nothing, so it does not silence the agent-level totals of its trace either
 *       (what the stores have always done).
 * </ul>
 *
 * The total of a set of records ({@link #total}) is then the sum of the counted calls, one per
 * record id (a re-export gives the same id), or, when the set has none, the sum of the agent-level
 * totals.
 */
public final class UsageRule {
  /**
   * The {@code gen_ai.operation.name} values of a model call: {@code chat}, {@code
   * text_completion}, {@code generate_content} (semconv), and the older {@code completion} and
   * {@code generate}.
   */
  public static final Set<String> MODEL_OPERATIONS = Set.of(GenAi.OP_CHAT, GenAi.OP_TEXT_COMPLETION,
      GenAi.OP_GENERATE_CONTENT, GenAi.OP_COMPLETION, GenAi.OP_GENERATE);

  /** The OpenInference span kind of a model call. */
  public static final String OPENINFERENCE_LLM = OpenInference.KIND_LLM;

  private UsageRule() {}

  /** How a record's usage counts; see the class comment. */
  public enum Role {
    /** The usage of one model call: {@link FunctionalRecord#usage()}. */
    CALL,
    /** An agent's accumulated totals: {@link FunctionalRecord#totalUsage()} of a response. */
    AGENT_LEVEL,
    /** Nothing to count. */
    NONE
  }

  /** How {@code record} counts. */
  public static Role role(FunctionalRecord record) {
    if (nonZero(record.usage())) {
      return Role.CALL;
    }
    if (record.type() == RecordType.RESPONSE && nonZero(record.totalUsage())) {
      return Role.AGENT_LEVEL;
    }
    return Role.NONE;
  }

  /** The usage {@code record} counts with under its {@link #role}, or null for {@link Role#NONE}. */
  @Nullable
  public static Usage counted(FunctionalRecord record) {
    return switch (role(record)) {
      case CALL -> record.usage();
      case AGENT_LEVEL -> record.totalUsage();
      case NONE -> null;
    };
  }

  /**
   * The usage of {@code records}, each model call once: the counted calls (one per record id, the
   * last given winning), else, when there are none, the agent-level totals (likewise).
   */
  public static Usage total(Collection<FunctionalRecord> records) {
    Map<String, Usage> calls = new HashMap<>();
    Map<String, Usage> agentLevel = new HashMap<>();
    for (FunctionalRecord r : records) {
      Role role = role(r);
      if (role != Role.NONE) {
        (role == Role.CALL ? calls : agentLevel).put(r.recordId(), counted(r));
      }
    }
    Map<String, Usage> source = calls.isEmpty() ? agentLevel : calls;
    return source.values().stream().reduce(Usage.ZERO, Usage::plus);
  }

  /**
   * True when a span with this {@code gen_ai.operation.name} and OpenInference kind (either may be
   * null or blank) is a model call, whose token counts are that call's: an operation decides when
   * there is one, else the OpenInference kind, else the span is taken as a model call (a span
   * with token counts and neither label, such as an older OpenLLMetry one).
   */
  public static boolean isModelCallSpan(@Nullable String operation, @Nullable String openInferenceKind) {
    if (operation != null && !operation.isBlank()) {
      return MODEL_OPERATIONS.contains(operation);
    }
    if (openInferenceKind != null && !openInferenceKind.isBlank()) {
      return OPENINFERENCE_LLM.equals(openInferenceKind.toUpperCase(Locale.ROOT));
    }
    return true;
  }

  private static boolean nonZero(@Nullable Usage usage) {
    return usage != null && !usage.isZero();
  }
}
