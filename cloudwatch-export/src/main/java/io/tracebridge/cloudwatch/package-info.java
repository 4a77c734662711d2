/**
 * CloudWatch export of OpenTelemetry spans: {@link io.tracebridge.cloudwatch.CloudWatchExportConfig}
 * (validated configuration), {@link io.tracebridge.cloudwatch.CloudWatchExport} (the bounded,
 * non-blocking pipeline, usable as the receiver's span forwarder) and {@link
 * io.tracebridge.cloudwatch.CloudWatchSpanExporter} (the same pipeline as an SDK {@code
 * SpanExporter} for the agent runtime).
 *
 * <p>Everything is translated from one internal form, OTLP protobuf spans; see the module README.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.cloudwatch;

import javax.annotation.ParametersAreNonnullByDefault;
