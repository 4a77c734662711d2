package io.tracebridge.cloudwatch.logs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The content log event of one span, shaped like the OTLP log record that AgentCore
 * observability (the ADOT LLO handler) writes: {@code body = {input:{messages:[{role,content}]},
 * output:{messages:[...]}}}, attributes {@code event.name} (the instrumentation scope) and {@code
 * session.id}, and the span's {@code traceId}/{@code spanId} in W3C hex for correlation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"resource", "scope", "timeUnixNano", "severityNumber", "severityText", "body", "attributes", "traceId", "spanId"})
public record ContentLogRecord(
    @JsonProperty("resource") Resource resource,
    @JsonProperty("scope") Scope scope,
    @JsonProperty("timeUnixNano") long timeUnixNano,
    @JsonProperty("severityNumber") int severityNumber,
    @JsonProperty("severityText") String severityText,
    @JsonProperty("body") Body body,
    @JsonProperty("attributes") Map<String, Object> attributes,
    @JsonProperty("traceId") String traceId,
    @JsonProperty("spanId") String spanId) {

  /** OTLP severity INFO. */
  public static final int SEVERITY_INFO = 9;

  public record Resource(@JsonProperty("attributes") Map<String, Object> attributes) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Scope(@JsonProperty("name") String name, @JsonProperty("version") String version) {}

  public record Body(@JsonProperty("input") Messages input, @JsonProperty("output") Messages output) {}

  public record Messages(@JsonProperty("messages") List<Message> messages) {
    public Messages {
      messages = List.copyOf(messages);
    }
  }

  @JsonPropertyOrder({"role", "content"})
  public record Message(@JsonProperty("role") String role, @JsonProperty("content") JsonNode content) {}
}
