package io.tracebridge.cloudwatch.xray;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import javax.annotation.Nullable;

/** One frame of an exception's {@code stack}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"path", "line", "label"})
public record StackFrame(
    @JsonProperty("path") @Nullable String path,
    @JsonProperty("line") @Nullable Integer line,
    @JsonProperty("label") @Nullable String label) {}
