package io.tracebridge.runtime.agent;

import io.tracebridge.runtime.core.ModelResponse;
import javax.annotation.Nullable;

/**
 * Fired after each model call with the {@code chat} span current. On success {@code response} is
 * set and the span already carries that call's token attributes; on failure {@code exception} is
 * set instead and the invocation fails after the callbacks ran.
 */
public record AfterModelCallEvent(@Nullable ModelResponse response, @Nullable RuntimeException exception)
    implements HookEvent {
  public AfterModelCallEvent {
    if ((response == null) == (exception == null)) {
      throw new IllegalArgumentException("exactly one of response and exception must be set");
    }
  }

  @Override
  public boolean reverseCallbacks() {
    return true;
  }
}
