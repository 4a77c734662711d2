package io.tracebridge.runtime.telemetry;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.Map;

/**
 * Builds the runtime's OpenTelemetry SDK with the SDK's own autoconfiguration.
 *
 * <p>Precedence, lowest first: {@link #DEFAULTS}; the standard {@code OTEL_*} environment
 * variables and {@code otel.*} system properties; the {@code overrides} passed in (tests and the
 * launcher use them to point at a port). The result is never registered as the global instance
 * and registers no JVM shutdown hook: the caller owns it and must {@code close()} it, which
 * flushes the batch processor.
 *
 * <p>Seam for the CloudWatch export of a later issue: {@code extraProcessors} are added to the
 * tracer provider beside the configured exporter (wrap an exporter in a {@code
 * BatchSpanProcessor}).
 */
public final class RuntimeTelemetry {
  /** Defaults: OTLP gRPC to a local receiver, traces only, a short batch delay for live display. */
  public static final Map<String, String> DEFAULTS =
      Map.of(
          "otel.exporter.otlp.protocol", "grpc",
          "otel.exporter.otlp.endpoint", "http://localhost:4317",
          "otel.traces.exporter", "otlp",
          "otel.metrics.exporter", "none",
          "otel.logs.exporter", "none",
          "otel.bsp.schedule.delay", "200",
          "otel.service.name", "tracebridge-agent-runtime");

  private RuntimeTelemetry() {}

  /** Same as {@link #create(Map, List)} with no extra processors. */
  public static OpenTelemetrySdk create(Map<String, String> overrides) {
    return create(overrides, List.of());
  }

  /**
   * Builds the SDK.
   *
   * @param overrides {@code otel.*} properties applied over everything else
   * @param extraProcessors span processors added after the autoconfigured ones
   * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException on invalid settings
   */
  public static OpenTelemetrySdk create(Map<String, String> overrides, List<SpanProcessor> extraProcessors) {
    return autoConfigure(overrides, extraProcessors).getOpenTelemetrySdk();
  }

  /** The autoconfigured SDK with its resolved configuration; for tests. */
  static AutoConfiguredOpenTelemetrySdk autoConfigure(
      Map<String, String> overrides, List<SpanProcessor> extraProcessors) {
    Map<String, String> over = Map.copyOf(overrides);
    List<SpanProcessor> extra = List.copyOf(extraProcessors);
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> DEFAULTS)
        .addPropertiesCustomizer((ConfigProperties config) -> over)
        .addTracerProviderCustomizer(
            (builder, config) -> {
              extra.forEach(builder::addSpanProcessor);
              return builder;
            })
        .disableShutdownHook()
        .build();
  }
}
