package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.internal.ResourceMapper.ResourceFacts;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/** Builds the internal views the concern tests read, recording soft issues. */
final class Views {
  final List<String> issues = new ArrayList<>();

  SpanView of(Span span) {
    return of(span, null, null);
  }

  SpanView of(Span span, @Nullable String traceSessionId, @Nullable String resourceSessionId) {
    return new SpanView("tenant", SpanIdentity.of(span), span,
        Attributes.of(span.getAttributesList(), issues::add),
        new ResourceFacts(resourceSessionId), traceSessionId, issues::add);
  }

  Attributes attributes(KeyValue... keyValues) {
    return Attributes.of(List.of(keyValues), issues::add);
  }
}
