package io.tracebridge.runtime.telemetry;

import java.util.Arrays;
import java.util.Locale;
import javax.annotation.Nullable;

/**
 * Which GenAI content events the spans carry, chosen as Strands chooses: by the comma-separated
 * {@code OTEL_SEMCONV_STABILITY_OPT_IN} list.
 */
public enum SemconvMode {
  /**
   * The default (GenAI conventions up to v1.36): {@code gen_ai.system}, per-message events {@code
   * gen_ai.user.message}, {@code gen_ai.assistant.message}, {@code gen_ai.system.message}, {@code
   * gen_ai.tool.message} and {@code gen_ai.choice}.
   */
  LEGACY,
  /**
   * {@code gen_ai_latest_experimental}: {@code gen_ai.provider.name} and one event name, {@code
   * gen_ai.client.inference.operation.details}, with {@code gen_ai.input.messages}, {@code
   * gen_ai.output.messages} and {@code gen_ai.system_instructions}.
   */
  LATEST;

  /** The opt-in flag that selects {@link #LATEST}. */
  public static final String LATEST_OPT_IN = "gen_ai_latest_experimental";

  /** The mode for an {@code OTEL_SEMCONV_STABILITY_OPT_IN} value (null or blank = LEGACY). */
  public static SemconvMode fromOptIn(@Nullable String optIn) {
    if (optIn == null) {
      return LEGACY;
    }
    return Arrays.stream(optIn.split(","))
            .map(s -> s.trim().toLowerCase(Locale.ROOT))
            .anyMatch(LATEST_OPT_IN::equals)
        ? LATEST
        : LEGACY;
  }
}
