package io.tracebridge.mapper;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The input convention a record was read from (PRODUCT.md, "Input conventions"). */
public enum Dialect {
  /** Span events added by the seed's TelemetryCaptureHook: agent_prompt, model_request, ... */
  HOOK_EVENTS,
  /** Strands native spans and their gen_ai events (default and latest modes). */
  STRANDS,
  /** OpenTelemetry GenAI semantic conventions. */
  GENAI_SEMCONV,
  /** OpenInference (llm.*, tool.*, input.value/output.value). */
  OPENINFERENCE,
  /**
   * OpenLLMetry (Traceloop): flattened gen_ai.prompt.N.* / gen_ai.completion.N.* model spans,
   * llm.usage.*, and the Traceloop SDK's traceloop.span.kind workflow/agent spans.
   */
  OPENLLMETRY,
  /** ADOT content log records ({input:{messages}, output:{messages}}). */
  ADOT_LOGS;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Dialect fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
