/**
 * OTLP plumbing: {@link io.tracebridge.cloudwatch.otlp.SpanDataConverter} (SDK {@code SpanData}
 * to OTLP protobuf, the module's one internal form) and {@link
 * io.tracebridge.cloudwatch.otlp.OtlpHttpTraceSender} (OTLP/HTTP to the CloudWatch OTLP traces
 * endpoint, signed with SigV4 service {@code xray}).
 */
@ParametersAreNonnullByDefault
package io.tracebridge.cloudwatch.otlp;

import javax.annotation.ParametersAreNonnullByDefault;
