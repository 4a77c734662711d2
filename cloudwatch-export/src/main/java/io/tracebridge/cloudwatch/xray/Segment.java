package io.tracebridge.cloudwatch.xray;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * One X-Ray segment document (a segment, or a subsegment sent on its own with {@code type:
 * "subsegment"}), as the X-Ray segment-document schema names its fields. The collector's {@code
 * internal/aws/xray/tracesegment.go} is the model. {@code error}, {@code fault} and {@code
 * throttle} are always written, as the collector does; other absent fields are omitted.
 *
 * <p>Immutable except {@link #metadata()}, whose maps are handed out as built and which only
 * {@code SegmentTrimmer} rewrites, through {@link #withMetadata}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "name", "id", "trace_id", "parent_id", "type", "start_time", "end_time", "namespace", "user",
  "error", "fault", "throttle", "cause", "aws", "annotations", "metadata"
})
public record Segment(
    @JsonProperty("name") String name,
    @JsonProperty("id") String id,
    @JsonProperty("trace_id") String traceId,
    @JsonProperty("parent_id") @Nullable String parentId,
    @JsonProperty("type") @Nullable String type,
    @JsonProperty("start_time") BigDecimal startTime,
    @JsonProperty("end_time") BigDecimal endTime,
    @JsonProperty("namespace") @Nullable String namespace,
    @JsonProperty("user") @Nullable String user,
    @JsonProperty("error") boolean error,
    @JsonProperty("fault") boolean fault,
    @JsonProperty("throttle") boolean throttle,
    @JsonProperty("cause") @Nullable CauseData cause,
    @JsonProperty("aws") @Nullable Map<String, Object> aws,
    @JsonProperty("annotations") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> annotations,
    @JsonProperty("metadata") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, Object>> metadata) {

  /** {@code type} of a subsegment document. */
  public static final String SUBSEGMENT = "subsegment";

  public Segment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(traceId, "trace_id");
    Objects.requireNonNull(startTime, "start_time");
    Objects.requireNonNull(endTime, "end_time");
    annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
    metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
  }

  /** A copy with other metadata (namespace to key to value). */
  public Segment withMetadata(Map<String, Map<String, Object>> newMetadata) {
    return new Segment(name, id, traceId, parentId, type, startTime, endTime, namespace, user, error,
        fault, throttle, cause, aws, annotations, newMetadata);
  }

  /** A copy with other annotations and cause. */
  public Segment withAnnotationsAndCause(Map<String, Object> newAnnotations, @Nullable CauseData newCause) {
    return new Segment(name, id, traceId, parentId, type, startTime, endTime, namespace, user, error,
        fault, throttle, newCause, aws, newAnnotations, metadata);
  }

  /** Seconds since the epoch with nanosecond precision, as X-Ray's float timestamps. */
  public static BigDecimal seconds(long epochNanos) {
    return BigDecimal.valueOf(epochNanos, 9).stripTrailingZeros();
  }

  /** A mutable deep-enough copy of metadata for rewriting. */
  public Map<String, Map<String, Object>> mutableMetadata() {
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
    metadata.forEach((ns, values) -> copy.put(ns, new LinkedHashMap<>(values)));
    return copy;
  }
}
