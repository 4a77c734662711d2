package io.tracebridge.cloudwatch.xray;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import javax.annotation.Nullable;

/**
 * One entry of {@code cause.exceptions}: {@code id} (16 hex), {@code type}, {@code message},
 * {@code remote}, {@code stack} and {@code truncated} (stack frames left out).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "type", "message", "remote", "truncated", "stack"})
public record ExceptionData(
    @JsonProperty("id") String id,
    @JsonProperty("type") @Nullable String type,
    @JsonProperty("message") @Nullable String message,
    @JsonProperty("remote") @Nullable Boolean remote,
    @JsonProperty("truncated") @Nullable Integer truncated,
    @JsonProperty("stack") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StackFrame> stack) {
  public ExceptionData {
    stack = List.copyOf(stack);
  }

  /** A copy without stack frames, counting them as truncated. */
  public ExceptionData withoutStack() {
    int dropped = stack.size() + (truncated == null ? 0 : truncated);
    return new ExceptionData(id, type, message, remote, dropped == 0 ? null : dropped, List.of());
  }
}
