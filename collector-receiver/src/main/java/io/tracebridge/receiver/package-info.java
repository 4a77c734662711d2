/**
 * The OTLP receiver: two transports over one set of export handlers.
 *
 * <p><b>Ports and protocols.</b> gRPC on {@link io.tracebridge.receiver.ReceiverConfig#grpcPort()}
 * (4317): {@code TraceService/Export} and {@code LogsService/Export} ({@code .grpc}). HTTP on
 * {@link io.tracebridge.receiver.ReceiverConfig#httpPort()} (4318): {@code POST /v1/traces} and
 * {@code POST /v1/logs}, {@code application/x-protobuf} or {@code application/json} (OTLP/JSON,
 * hex ids, either field-name style), optionally {@code Content-Encoding: gzip} ({@code .http}).
 *
 * <p><b>Flow.</b> A transport decodes, then calls {@link io.tracebridge.receiver.OtlpIngest}:
 * {@code authenticate} (the {@code authorization} header / metadata through the {@code
 * TenantAuthenticator}), {@code reserve} (bytes in flight) and {@code startExport} once the
 * whole request has arrived (an export bound that adapts to the store's latency), then {@link
 * io.tracebridge.receiver.TraceExportHandler} or {@link io.tracebridge.receiver.LogsExportHandler},
 * which map ({@code SpanMapper.map} / {@code mapLogs}) and write to the durable sink, handing it
 * each export's records with its span topology. The durable sink is normally trace-api's {@link
 * io.tracebridge.store.assembly.TraceContextFiller} over the store: the trace-level stage that
 * assembles each trace across exports and nodes from the span topology kept in the store (one
 * record per step, each record with its nearest ancestor agent and session, usage following).
 * Live viewers are not the receiver's concern: the store tells its listeners about every version
 * it made durable, and the role registers the web module's live publisher there.
 *
 * <p><b>Replies.</b> Only after the records are durable. Spans or log records the mapper rejects
 * are counted and named in the OTLP {@code partial_success}; the rest of the request is stored.
 * {@link io.tracebridge.receiver.ExportErrors} is the one place that turns failures into gRPC
 * statuses and HTTP codes: UNAUTHENTICATED / 401, RESOURCE_EXHAUSTED + RetryInfo / 429 +
 * Retry-After (busy), UNAVAILABLE / 503 (retryable store failure), INVALID_ARGUMENT / 400
 * (undecodable, permanent store failure), 415 and 413 for HTTP bodies.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.receiver;

import javax.annotation.ParametersAreNonnullByDefault;
