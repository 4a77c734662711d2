/**
 * OTLP over gRPC ({@code TraceService/Export}, {@code LogsService/Export} on 4317), with
 * grpc-java's shaded Netty transport: {@link io.tracebridge.receiver.grpc.OtlpGrpcReceiver}.
 * A server interceptor authenticates each call from its {@code authorization} metadata and puts
 * the tenant in the gRPC {@code Context}.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.receiver.grpc;

import javax.annotation.ParametersAreNonnullByDefault;
