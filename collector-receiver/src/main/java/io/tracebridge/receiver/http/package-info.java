/**
 * OTLP over HTTP ({@code POST /v1/traces}, {@code POST /v1/logs} on 4318): {@link
 * io.tracebridge.receiver.http.OtlpHttpVerticle}.
 *
 * <p><b>Why Vert.x 5.</b> The product already runs Vert.x 5 (web, agent-runtime) and the parent
 * POM manages it; its HTTP server is a well-kept, non-blocking Netty server with Future-returning
 * lifecycle, so the receiver adds no second HTTP stack, no servlet container, and no second Netty
 * line (grpc-java uses its own shaded copy). Decoding and mapping run on a named, fixed-size
 * worker pool, never on the event loop.
 *
 * <p>Transport only: this package reads headers and bodies and encodes replies ({@code
 * OtlpHttpCodec}, over span-mapper's {@code OtlpJsonCodec}); authentication, admission and the export itself are {@link
 * io.tracebridge.receiver.OtlpIngest}'s, shared with gRPC; statuses come from {@link
 * io.tracebridge.receiver.ExportErrors}.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.receiver.http;

import javax.annotation.ParametersAreNonnullByDefault;
