/**
 * The OTLP receiver: transport entry points over one export handler.
 *
 * <p>Flow: transport (gRPC now, HTTP later) decodes a request and calls {@link
 * io.tracebridge.receiver.TraceExportHandler}, which maps spans to records ({@code SpanMapper}),
 * writes them to the durable sink and only then publishes them live. {@link
 * io.tracebridge.receiver.ExportErrors} is the one place that turns failures into gRPC statuses.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.receiver;

import javax.annotation.ParametersAreNonnullByDefault;
