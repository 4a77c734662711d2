package io.tracebridge.runtime.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.Map;

/**
 * Builds the runtime's OpenTelemetry SDK with the SDK's own autoconfiguration: traces (the
 * Strands-shaped spans) and logs (the live hook-event records of {@code TelemetryCaptureHook}),
 * both OTLP gRPC to the receiver by default.
 *
 * <p>Precedence, lowest first: {@link #DEFAULTS}; the standard {@code OTEL_*} environment
 * variables and {@code otel.*} system properties; the {@code overrides} passed in (tests and the
 * launcher use them to point at a port). The result is never registered as the global instance
 * and registers no JVM shutdown hook: the caller owns it and must {@code close()} it, which
 * flushes both batch processors.
 *
 * <p><b>Dual export seam.</b> {@code extraSpanProcessors} and {@code extraLogProcessors} are added
 * beside the autoconfigured OTLP exporters. The CloudWatch export plugs in here: wrap its span
 * exporter in a {@code BatchSpanProcessor} (and, for the hook-event records, its log exporter in a
 * {@code BatchLogRecordProcessor}) and pass them to {@link #create(Map, List, List)}.
 */
public final class RuntimeTelemetry {
  /**
   * Defaults: OTLP gRPC to a local receiver, traces and logs, short batch delays for a live
   * display (spans 200 ms; hook-event log records 50 ms).
   */
  public static final Map<String, String> DEFAULTS =
      Map.of(
          "otel.exporter.otlp.protocol", "grpc",
          "otel.exporter.otlp.endpoint", "http://localhost:4317",
          "otel.traces.exporter", "otlp",
          "otel.metrics.exporter", "none",
          "otel.logs.exporter", "otlp",
          "otel.bsp.schedule.delay", "200",
          "otel.blrp.schedule.delay", "50",
          "otel.service.name", "tracebridge-agent-runtime");

  private RuntimeTelemetry() {}

  /** Same as {@link #create(Map, List, List)} with no extra processors. */
  public static OpenTelemetrySdk create(Map<String, String> overrides) {
    return create(overrides, List.of(), List.of());
  }

  /** Same as {@link #create(Map, List, List)} with no extra log processors. */
  public static OpenTelemetrySdk create(Map<String, String> overrides, List<SpanProcessor> extraProcessors) {
    return create(overrides, extraProcessors, List.of());
  }

  /**
   * Builds the SDK.
   *
   * @param overrides {@code otel.*} properties applied over everything else
   * @param extraSpanProcessors span processors added after the autoconfigured ones
   * @param extraLogProcessors log record processors added after the autoconfigured ones
   * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException on invalid settings
   */
  public static OpenTelemetrySdk create(
      Map<String, String> overrides,
      List<SpanProcessor> extraSpanProcessors,
      List<LogRecordProcessor> extraLogProcessors) {
    return autoConfigure(overrides, extraSpanProcessors, extraLogProcessors, Attributes.empty()).getOpenTelemetrySdk();
  }

  /**
   * Same as {@link #create(Map, List, List)}, with {@code extraResource} merged over the
   * autoconfigured resource (the CloudWatch export marks the runtime's spans and log records with
   * it: {@code tracebridge.cloudwatch.exported}, {@code aws.log.group.names}).
   */
  public static OpenTelemetrySdk create(
      Map<String, String> overrides,
      List<SpanProcessor> extraSpanProcessors,
      List<LogRecordProcessor> extraLogProcessors,
      Attributes extraResource) {
    return autoConfigure(overrides, extraSpanProcessors, extraLogProcessors, extraResource).getOpenTelemetrySdk();
  }

  /** The autoconfigured SDK with its resolved configuration; for tests. */
  static AutoConfiguredOpenTelemetrySdk autoConfigure(
      Map<String, String> overrides,
      List<SpanProcessor> extraSpanProcessors,
      List<LogRecordProcessor> extraLogProcessors) {
    return autoConfigure(overrides, extraSpanProcessors, extraLogProcessors, Attributes.empty());
  }

  static AutoConfiguredOpenTelemetrySdk autoConfigure(
      Map<String, String> overrides,
      List<SpanProcessor> extraSpanProcessors,
      List<LogRecordProcessor> extraLogProcessors,
      Attributes extraResource) {
    Map<String, String> over = Map.copyOf(overrides);
    List<SpanProcessor> spans = List.copyOf(extraSpanProcessors);
    List<LogRecordProcessor> logs = List.copyOf(extraLogProcessors);
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> DEFAULTS)
        .addPropertiesCustomizer((ConfigProperties config) -> over)
        .addResourceCustomizer((resource, config) ->
            extraResource.isEmpty() ? resource : resource.merge(Resource.create(extraResource)))
        .addTracerProviderCustomizer(
            (builder, config) -> {
              spans.forEach(builder::addSpanProcessor);
              return builder;
            })
        .addLoggerProviderCustomizer(
            (builder, config) -> {
              logs.forEach(builder::addLogRecordProcessor);
              return builder;
            })
        .disableShutdownHook()
        .build();
  }
}
