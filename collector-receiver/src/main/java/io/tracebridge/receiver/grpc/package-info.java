/** OTLP over gRPC ({@code TraceService/Export}), with grpc-java's shaded Netty transport. */
@ParametersAreNonnullByDefault
package io.tracebridge.receiver.grpc;

import javax.annotation.ParametersAreNonnullByDefault;
