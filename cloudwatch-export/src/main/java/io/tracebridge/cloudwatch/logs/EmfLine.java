package io.tracebridge.cloudwatch.logs;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * One Embedded Metric Format log line: the {@code _aws} metadata (timestamp and one metric
 * directive) and the root members holding dimension values (strings), metric values (numbers)
 * and searchable extras such as {@code traceId}.
 */
@JsonPropertyOrder({"_aws"})
public record EmfLine(@JsonProperty("_aws") Aws aws, @JsonAnyGetter Map<String, Object> members) {

  public record Aws(
      @JsonProperty("Timestamp") long timestamp,
      @JsonProperty("CloudWatchMetrics") List<Directive> cloudWatchMetrics) {}

  public record Directive(
      @JsonProperty("Namespace") String namespace,
      @JsonProperty("Dimensions") List<List<String>> dimensions,
      @JsonProperty("Metrics") List<Metric> metrics) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Metric(@JsonProperty("Name") String name, @JsonProperty("Unit") String unit) {}
}
