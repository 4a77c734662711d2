package io.tracebridge.mapper.legacy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * One object of the legacy trace schema (the old Bedrock Agents {@code AgentResponseTrace}).
 *
 * <p>Serialises with exactly the seed's JSON names. Every field is always present: absent text is
 * {@code ""}, absent counts are {@code 0} and the list fields are {@code []}, as the seed's
 * defaults. Immutable.
 *
 * @param id the X-Ray trace id ({@code ID})
 * @param timestamp the record's time as an ISO-8601 instant ({@code Timestamp})
 * @param raw the seed's raw event as JSON (see {@link LegacyTraceView})
 * @param traceType the hook event name, {@code reasoning} or {@code failure} ({@code TraceType})
 * @param apiParams always empty: hook events carry no API parameters
 * @param knowledgeBaseResponse always empty: hook events carry no knowledge-base results
 */
@JsonPropertyOrder({
  "ID", "Timestamp", "raw", "TraceType", "InputTokens", "OutputTokens", "actionGroup", "apiPath",
  "apiVerb", "apiBody", "apiParams", "apiResponse", "knowledgeBase", "knowledgeBaseQuery",
  "knowledgeBaseResponse", "llmQuery", "llmResponse", "llmRepromptResponse", "rationale",
  "failureReason"
})
public record LegacyTrace(
    @JsonProperty("ID") String id,
    @JsonProperty("Timestamp") String timestamp,
    @JsonProperty("raw") String raw,
    @JsonProperty("TraceType") String traceType,
    @JsonProperty("InputTokens") long inputTokens,
    @JsonProperty("OutputTokens") long outputTokens,
    @JsonProperty("actionGroup") String actionGroup,
    @JsonProperty("apiPath") String apiPath,
    @JsonProperty("apiVerb") String apiVerb,
    @JsonProperty("apiBody") String apiBody,
    @JsonProperty("apiParams") List<String> apiParams,
    @JsonProperty("apiResponse") String apiResponse,
    @JsonProperty("knowledgeBase") String knowledgeBase,
    @JsonProperty("knowledgeBaseQuery") String knowledgeBaseQuery,
    @JsonProperty("knowledgeBaseResponse") List<String> knowledgeBaseResponse,
    @JsonProperty("llmQuery") String llmQuery,
    @JsonProperty("llmResponse") String llmResponse,
    @JsonProperty("llmRepromptResponse") String llmRepromptResponse,
    @JsonProperty("rationale") String rationale,
    @JsonProperty("failureReason") String failureReason) {

  public LegacyTrace {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(traceType, "traceType");
    Objects.requireNonNull(actionGroup, "actionGroup");
    Objects.requireNonNull(apiPath, "apiPath");
    Objects.requireNonNull(apiVerb, "apiVerb");
    Objects.requireNonNull(apiBody, "apiBody");
    Objects.requireNonNull(apiResponse, "apiResponse");
    Objects.requireNonNull(knowledgeBase, "knowledgeBase");
    Objects.requireNonNull(knowledgeBaseQuery, "knowledgeBaseQuery");
    Objects.requireNonNull(llmQuery, "llmQuery");
    Objects.requireNonNull(llmResponse, "llmResponse");
    Objects.requireNonNull(llmRepromptResponse, "llmRepromptResponse");
    Objects.requireNonNull(rationale, "rationale");
    Objects.requireNonNull(failureReason, "failureReason");
    apiParams = List.copyOf(apiParams);
    knowledgeBaseResponse = List.copyOf(knowledgeBaseResponse);
  }
}
