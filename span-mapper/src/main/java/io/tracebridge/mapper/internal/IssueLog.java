package io.tracebridge.mapper.internal;

import io.tracebridge.mapper.MappingIssue;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * Collects the issues of one request, each once: rejected spans and soft issues. Confined to the
 * thread mapping that request.
 */
final class IssueLog {
  private final Set<MappingIssue> issues = new LinkedHashSet<>();
  private int rejectedSpans;

  void reject(@Nullable String traceId, @Nullable String spanId, String reason) {
    rejectedSpans++;
    issues.add(new MappingIssue(traceId, spanId, "span rejected: " + reason));
  }

  /** A consumer recording soft issues against one span (or none, for resource attributes). */
  Consumer<String> forSpan(@Nullable String traceId, @Nullable String spanId) {
    return reason -> issues.add(new MappingIssue(traceId, spanId, reason));
  }

  int rejectedSpans() {
    return rejectedSpans;
  }

  List<MappingIssue> issues() {
    return List.copyOf(issues);
  }
}
