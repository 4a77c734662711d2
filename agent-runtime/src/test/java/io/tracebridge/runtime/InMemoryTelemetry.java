package io.tracebridge.runtime;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.stream.Collectors;

/** An SDK exporting synchronously to memory, with look-up helpers for span assertions. */
public final class InMemoryTelemetry implements AutoCloseable {
  public final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  public final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
          .build();

  public List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  public List<SpanData> spansNamed(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }

  public SpanData span(String name) {
    List<SpanData> found = spansNamed(name);
    if (found.size() != 1) {
      throw new AssertionError("expected one span '" + name + "', found " + found.size() + " in " + names());
    }
    return found.get(0);
  }

  public List<String> names() {
    return spans().stream().map(SpanData::getName).collect(Collectors.toList());
  }

  public static EventData event(SpanData span, String name) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no event '" + name + "' on " + span.getName()));
  }

  public static String str(EventData event, String key) {
    return event.getAttributes().get(AttributeKey.stringKey(key));
  }

  public static Long num(EventData event, String key) {
    return event.getAttributes().get(AttributeKey.longKey(key));
  }

  @Override
  public void close() {
    sdk.close();
  }
}
