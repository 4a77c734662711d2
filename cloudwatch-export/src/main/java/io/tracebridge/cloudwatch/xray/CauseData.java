package io.tracebridge.cloudwatch.xray;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A segment's {@code cause}: the exceptions that made it fail. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CauseData(@JsonProperty("exceptions") List<ExceptionData> exceptions) {
  public CauseData {
    exceptions = List.copyOf(exceptions);
  }
}
