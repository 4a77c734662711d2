package io.tracebridge.runtime.core;

import java.util.Objects;

/** What a {@link Tool} returned: a status and text content (usually JSON text). */
public record ToolResult(ToolStatus status, String content) {
  public ToolResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(content, "content");
  }

  /** A successful result. */
  public static ToolResult success(String content) {
    return new ToolResult(ToolStatus.SUCCESS, content);
  }

  /** A failed result; {@code message} goes back to the model, so keep it useful to it. */
  public static ToolResult error(String message) {
    return new ToolResult(ToolStatus.ERROR, message);
  }
}
