package io.tracebridge.mapper;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One functional step of an agent run: the unit TraceBridge stores, streams and bills from.
 *
 * <p>Immutable. {@link #recordId()} is deterministic from trace, span and step (see {@link
 * RecordIds}), so a re-exported span produces the same ids and overwrites rather than duplicates.
 * Serialised as camelCase JSON by {@link RecordJson#mapper()}; absent fields are omitted.
 *
 * <p>{@link #usage()} on a {@link RecordType#MODEL_RESPONSE} is that one model call's usage. On a
 * {@link RecordType#RESPONSE} it is the agent-level accumulated usage the producer reported, which
 * must never be added to the per-call usage: {@link TraceUsage} owns that rule.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = FunctionalRecord.Builder.class)
public record FunctionalRecord(
    String tenant,
    String traceId,
    String xrayTraceId,
    String spanId,
    @Nullable String parentSpanId,
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
    @Nullable String finishReason,
    @Nullable RecordError error,
    boolean truncated,
    Dialect dialect) {

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
  }

  /** Timestamp in nanoseconds since the epoch. */
  @JsonIgnore
  public long timestampNanos() {
    return timestamp.getEpochSecond() * 1_000_000_000L + timestamp.getNano();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .tenant(tenant)
        .traceId(traceId)
        .xrayTraceId(xrayTraceId)
        .spanId(spanId)
        .parentSpanId(parentSpanId)
        .recordId(recordId)
        .type(type)
        .timestamp(timestamp)
        .durationMs(durationMs)
        .sessionId(sessionId)
        .agentId(agentId)
        .agentName(agentName)
        .model(model)
        .provider(provider)
        .text(text)
        .tool(tool)
        .usage(usage)
        .finishReason(finishReason)
        .error(error)
        .truncated(truncated)
        .dialect(dialect);
  }

  /** Builds a record; {@link #build()} validates the required fields. */
  @JsonPOJOBuilder(withPrefix = "")
  public static final class Builder {
    private String tenant;
    private String traceId;
    private String xrayTraceId;
    private String spanId;
    private String parentSpanId;
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
    private String finishReason;
    private RecordError error;
    private boolean truncated;
    private Dialect dialect;

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

    public FunctionalRecord build() {
      return new FunctionalRecord(
          tenant, traceId, xrayTraceId, spanId, parentSpanId, recordId, type, timestamp,
          durationMs, sessionId, agentId, agentName, model, provider, text, tool, usage,
          finishReason, error, truncated, dialect);
    }
  }
}
