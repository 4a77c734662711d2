package io.tracebridge.mapper.internal;

import io.tracebridge.genai.HookEvents;
import io.tracebridge.mapper.RecordType;
import java.util.Optional;

/** The span events the seed's {@code TelemetryCaptureHook} adds, and the record each becomes. */
enum HookEvent {
  AGENT_PROMPT(HookEvents.AGENT_PROMPT, RecordType.PROMPT),
  MODEL_REQUEST(HookEvents.MODEL_REQUEST, RecordType.MODEL_REQUEST),
  MODEL_RESPONSE(HookEvents.MODEL_RESPONSE, RecordType.MODEL_RESPONSE),
  TOOL_REQUEST(HookEvents.TOOL_REQUEST, RecordType.TOOL_REQUEST),
  TOOL_RESPONSE(HookEvents.TOOL_RESPONSE, RecordType.TOOL_RESPONSE),
  AGENT_RESPONSE(HookEvents.AGENT_RESPONSE, RecordType.RESPONSE);

  /** Step-key prefix of the reasoning record a {@code model_response} may also produce. */
  static final String REASONING_STEP = "reasoning";

  private final String eventName;
  private final RecordType recordType;

  HookEvent(String eventName, RecordType recordType) {
    this.eventName = eventName;
    this.recordType = recordType;
  }

  String eventName() {
    return eventName;
  }

  RecordType recordType() {
    return recordType;
  }

  /** True for the steps that end a span's work, which carry the span's duration. */
  boolean carriesDuration() {
    return this == MODEL_RESPONSE || this == TOOL_RESPONSE || this == AGENT_RESPONSE;
  }

  static Optional<HookEvent> fromEventName(String eventName) {
    for (HookEvent event : values()) {
      if (event.eventName.equals(eventName)) {
        return Optional.of(event);
      }
    }
    return Optional.empty();
  }
}
