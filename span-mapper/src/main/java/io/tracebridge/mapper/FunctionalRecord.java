package io.tracebridge.mapper;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * One functional step of an agent run: the unit TraceBridge stores, streams and bills from.
 *
 * <p>Immutable. {@link #recordId()} is deterministic from trace, span and step (see {@link
 * RecordIds}), so a re-exported span produces the same ids and overwrites rather than duplicates.
 * Serialised as camelCase JSON by {@link RecordJson#mapper()}; absent fields are omitted.
 *
 * <p>{@link #usage()} is only ever the usage of the one model call this record is (on a {@link
 * RecordType#MODEL_RESPONSE}), so summing {@code usage} over a trace's records counts each call
 * once. {@link #totalUsage()}, on a {@link RecordType#RESPONSE}, is the agent-level accumulated
 * usage the producer reported (the agent span's totals): never added to the per-call usage;
 * {@link TraceUsage} owns that rule.
 *
 * <p>On a {@link RecordType#MODEL_REQUEST}, {@link #systemPrompt()} is the system prompt the
 * model was sent and {@link #messages()} the messages of its input that are new since the
 * previous model call of the same agent: those after the input's last assistant message (that
 * message is the previous call's answer), or all of them on an agent's first call. So the records
 * of a run grow with the run, not with its square, and the full history of call {@code k} is
 * rebuilt from the agent's records in timeline order: for each earlier call its {@code messages},
 * then the assistant message it answered (its {@code reasoning} and {@code model_response} text
 * and the {@code tool_request}s it asked for), then call {@code k}'s {@code messages}. {@link
 * #text()} stays the last user text of the input (the seed hook's {@code model.prompt}).
 *
 * <p>{@link #truncated()} is true when the content ({@code text}, {@code tool.input}, {@code
 * tool.output}, {@code error.message}, {@code systemPrompt}, {@code messages}) was cut to {@link
 * ContentLimits#MAX_CONTENT_BYTES} of UTF-8 so the record fits a DynamoDB item; {@link #originalSize()} is then the UTF-8 size in bytes of
 * the uncut content, and null otherwise. It is also true when an identity value (session, agent,
 * model, tool name, call id...) was cut to {@link IdentityLimits#MAX_IDENTITY_BYTES}; {@link
 * #truncatedFields()} then names each such field with its UTF-8 size in bytes before the cut
 * (null when none was), and {@code messages} when only the latest of a long input were kept
 * ({@link ContentLimits#MAX_MESSAGES_STRUCTURE_BYTES}), with the size of all of them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = FunctionalRecord.Builder.class)
public record FunctionalRecord(
    String tenant,
    String traceId,
    String xrayTraceId,
    String spanId,
    @Nullable String parentSpanId,
    @Nullable String spanName,
    String recordId,
    RecordType type,
    Instant timestamp,
    @Nullable Long durationMs,
    @Nullable String sessionId,
    @Nullable String agentId,
    @Nullable String agentName,
    @Nullable String model,
    @Nullable String provider,
    @Nullable String text,
    @Nullable ToolCall tool,
    @Nullable Usage usage,
    @Nullable Usage totalUsage,
    @Nullable String finishReason,
    @Nullable RecordError error,
    boolean truncated,
    Dialect dialect,
    @Nullable Long originalSize,
    @Nullable String systemPrompt,
    @Nullable List<InputMessage> messages,
    @Nullable Map<String, Long> truncatedFields) {

  /** The order records of one trace are shown in: by time, then by id for a stable tie-break. */
  public static final Comparator<FunctionalRecord> TIMELINE =
      Comparator.comparing(FunctionalRecord::timestamp).thenComparing(FunctionalRecord::recordId);

  public FunctionalRecord {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(xrayTraceId, "xrayTraceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(dialect, "dialect");
    messages = messages == null ? null : List.copyOf(messages);
    // Sorted, so the JSON form (and the store's content hash of it) is the same in every JVM.
    truncatedFields = truncatedFields == null
        ? null : Collections.unmodifiableSortedMap(new TreeMap<>(truncatedFields));
  }

  /** Timestamp in nanoseconds since the epoch. */
  @JsonIgnore
  public long timestampNanos() {
    return timestamp.getEpochSecond() * 1_000_000_000L + timestamp.getNano();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this record's fields as they are: {@code xrayTraceId} is copied, not derived
   * again from {@code traceId} (which was validated when the record was built), so a copy costs
   * field assignments only; the assembly copies each record several times.
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.tenant = tenant;
    b.traceId = traceId;
    b.xrayTraceId = xrayTraceId;
    b.spanId = spanId;
    b.parentSpanId = parentSpanId;
    b.spanName = spanName;
    b.recordId = recordId;
    b.type = type;
    b.timestamp = timestamp;
    b.durationMs = durationMs;
    b.sessionId = sessionId;
    b.agentId = agentId;
    b.agentName = agentName;
    b.model = model;
    b.provider = provider;
    b.text = text;
    b.tool = tool;
    b.usage = usage;
    b.totalUsage = totalUsage;
    b.finishReason = finishReason;
    b.error = error;
    b.truncated = truncated;
    b.dialect = dialect;
    b.originalSize = originalSize;
    b.systemPrompt = systemPrompt;
    b.messages = messages;
    b.truncatedFields = truncatedFields;
    return b;
  }

  /**
   * This record with every field it lacks taken from {@code earlier}, a record with the same id
   * read before it (a later arrival fills in what an earlier one lacked: a hook log record's text
   * stays when the span's record adds usage, say). Identity fields and the type are this record's.
   */
  public FunctionalRecord filledFrom(FunctionalRecord earlier) {
    if (!recordId.equals(earlier.recordId)) {
      throw new IllegalArgumentException("records " + recordId + " and " + earlier.recordId
          + " are different steps");
    }
    ToolCall mergedTool = tool;
    if (tool == null) {
      mergedTool = earlier.tool;
    } else if (earlier.tool != null) {
      ToolCall e = earlier.tool;
      mergedTool = new ToolCall(
          or(tool.name(), e.name()), or(tool.callId(), e.callId()),
          or(tool.actionGroup(), e.actionGroup()), or(tool.action(), e.action()),
          or(tool.input(), e.input()), or(tool.output(), e.output()),
          or(tool.status(), e.status()));
    }
    return toBuilder()
        .parentSpanId(or(parentSpanId, earlier.parentSpanId))
        .spanName(or(spanName, earlier.spanName))
        .durationMs(or(durationMs, earlier.durationMs))
        .sessionId(or(sessionId, earlier.sessionId))
        .agentId(or(agentId, earlier.agentId))
        .agentName(or(agentName, earlier.agentName))
        .model(or(model, earlier.model))
        .provider(or(provider, earlier.provider))
        .text(or(text, earlier.text))
        .tool(mergedTool)
        .usage(or(usage, earlier.usage))
        .totalUsage(or(totalUsage, earlier.totalUsage))
        .finishReason(or(finishReason, earlier.finishReason))
        .error(or(error, earlier.error))
        .truncated(truncated || earlier.truncated)
        .originalSize(or(originalSize, earlier.originalSize))
        .systemPrompt(or(systemPrompt, earlier.systemPrompt))
        .messages(or(messages, earlier.messages))
        .truncatedFields(joined(truncatedFields, earlier.truncatedFields))
        .build();
  }

  /** Both maps of cut fields, {@code mine} winning a field both name; null if both are. */
  @Nullable
  private static Map<String, Long> joined(
      @Nullable Map<String, Long> mine, @Nullable Map<String, Long> earlier) {
    if (mine == null || earlier == null) {
      return or(mine, earlier);
    }
    Map<String, Long> joined = new TreeMap<>(earlier);
    joined.putAll(mine);
    return joined;
  }

  private static <T> T or(@Nullable T value, @Nullable T fallback) {
    return value != null ? value : fallback;
  }

  /** Builds a record; {@link #build()} validates the required fields. */
  @JsonPOJOBuilder(withPrefix = "")
  public static final class Builder {
    private String tenant;
    private String traceId;
    private String xrayTraceId;
    private String spanId;
    private String parentSpanId;
    private String spanName;
    private String recordId;
    private RecordType type;
    private Instant timestamp;
    private Long durationMs;
    private String sessionId;
    private String agentId;
    private String agentName;
    private String model;
    private String provider;
    private String text;
    private ToolCall tool;
    private Usage usage;
    private Usage totalUsage;
    private String finishReason;
    private RecordError error;
    private boolean truncated;
    private Dialect dialect;
    private Long originalSize;
    private String systemPrompt;
    private List<InputMessage> messages;
    private Map<String, Long> truncatedFields;

    private Builder() {}

    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    /** Sets {@code traceId} (W3C) and derives {@code xrayTraceId} from it. */
    public Builder traceId(String traceId) {
      this.traceId = traceId;
      if (traceId != null && xrayTraceId == null) {
        this.xrayTraceId = TraceIds.toXray(traceId);
      }
      return this;
    }

    public Builder xrayTraceId(String xrayTraceId) {
      this.xrayTraceId = xrayTraceId;
      return this;
    }

    public Builder spanId(String spanId) {
      this.spanId = spanId;
      return this;
    }

    public Builder parentSpanId(@Nullable String parentSpanId) {
      this.parentSpanId = parentSpanId;
      return this;
    }

    /** The name of the span the record was read from ({@code chat}, {@code invoke_agent x}). */
    public Builder spanName(@Nullable String spanName) {
      this.spanName = spanName;
      return this;
    }

    public Builder recordId(String recordId) {
      this.recordId = recordId;
      return this;
    }

    public Builder type(RecordType type) {
      this.type = type;
      return this;
    }

    public Builder timestamp(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    public Builder durationMs(@Nullable Long durationMs) {
      this.durationMs = durationMs;
      return this;
    }

    public Builder sessionId(@Nullable String sessionId) {
      this.sessionId = sessionId;
      return this;
    }

    public Builder agentId(@Nullable String agentId) {
      this.agentId = agentId;
      return this;
    }

    public Builder agentName(@Nullable String agentName) {
      this.agentName = agentName;
      return this;
    }

    public Builder model(@Nullable String model) {
      this.model = model;
      return this;
    }

    public Builder provider(@Nullable String provider) {
      this.provider = provider;
      return this;
    }

    public Builder text(@Nullable String text) {
      this.text = text;
      return this;
    }

    public Builder tool(@Nullable ToolCall tool) {
      this.tool = tool;
      return this;
    }

    public Builder usage(@Nullable Usage usage) {
      this.usage = usage;
      return this;
    }

    /** Agent-level accumulated usage, on {@code response} records only; see the class comment. */
    public Builder totalUsage(@Nullable Usage totalUsage) {
      this.totalUsage = totalUsage;
      return this;
    }

    public Builder finishReason(@Nullable String finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    public Builder error(@Nullable RecordError error) {
      this.error = error;
      return this;
    }

    public Builder truncated(boolean truncated) {
      this.truncated = truncated;
      return this;
    }

    public Builder dialect(Dialect dialect) {
      this.dialect = dialect;
      return this;
    }

    /** The UTF-8 size in bytes of the content before truncation; null when not truncated. */
    public Builder originalSize(@Nullable Long originalSize) {
      this.originalSize = originalSize;
      return this;
    }

    /** The system prompt the model was sent, on {@code model_request} records. */
    public Builder systemPrompt(@Nullable String systemPrompt) {
      this.systemPrompt = systemPrompt;
      return this;
    }

    /**
     * The messages the model was sent that are new since the previous model call of the same
     * agent, on {@code model_request} records; see the class comment.
     */
    public Builder messages(@Nullable List<InputMessage> messages) {
      this.messages = messages;
      return this;
    }

    /**
     * The fields cut to their limits (JSON paths such as {@code sessionId}, {@code tool.name} or
     * {@code messages}), each with its UTF-8 size in bytes before the cut; null when none was.
     * See the class comment.
     */
    public Builder truncatedFields(@Nullable Map<String, Long> truncatedFields) {
      this.truncatedFields = truncatedFields;
      return this;
    }

    public FunctionalRecord build() {
      return new FunctionalRecord(
          tenant, traceId, xrayTraceId, spanId, parentSpanId, spanName, recordId, type, timestamp,
          durationMs, sessionId, agentId, agentName, model, provider, text, tool, usage,
          totalUsage, finishReason, error, truncated, dialect, originalSize, systemPrompt,
          messages, truncatedFields);
    }
  }
}
