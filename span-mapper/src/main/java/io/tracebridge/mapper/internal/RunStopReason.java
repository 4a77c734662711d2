package io.tracebridge.mapper.internal;

import io.tracebridge.mapper.RecordError;
import javax.annotation.Nullable;

/**
 * Why an agent run stopped, for the {@code finishReason} of its {@code response} record.
 *
 * <p>A run that ended normally says so in its output (Strands: {@code end_turn}, {@code
 * limit_turns}, ...; our runtime also {@code max_iterations}); that is used as given. A run that
 * failed says it only by its error: Strands raises {@code MaxTokensReachedException} when a model
 * call stops at its token limit, which is {@value #MAX_TOKENS}; any other failure is {@value
 * #ERROR}.
 */
final class RunStopReason {
  static final String MAX_TOKENS = "max_tokens";
  static final String ERROR = "error";
  private static final String MAX_TOKENS_EXCEPTION = "MaxTokensReachedException";

  private RunStopReason() {}

  /** The finish reason of a run: {@code stated} if there is one, else what {@code error} says. */
  @Nullable
  static String of(@Nullable String stated, @Nullable RecordError error) {
    if (stated != null || error == null) {
      return stated;
    }
    String type = error.type();
    return type != null && type.endsWith(MAX_TOKENS_EXCEPTION) ? MAX_TOKENS : ERROR;
  }
}
