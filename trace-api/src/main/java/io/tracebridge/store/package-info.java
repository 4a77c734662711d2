/**
 * The store and query contracts over functional records.
 *
 * <p>{@link io.tracebridge.store.TraceSink} receives records; {@link
 * io.tracebridge.store.TraceReader} answers queries; {@link io.tracebridge.store.TraceStore} is
 * both; {@link io.tracebridge.store.TraceAssemblyStore} is what a receiver needs to assemble a
 * trace across exports (span topology, snapshots, removal, a pass counter), and {@link
 * io.tracebridge.store.UsageAccounting} the billing rule both stores apply. The interfaces carry no AWS, Vert.x or gRPC types, so the in-memory store and the DynamoDB
 * store pass one contract test. Results are {@link java.util.concurrent.CompletionStage}s; callers
 * on an event loop bridge them with {@code Future.fromCompletionStage}.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.store;

import javax.annotation.ParametersAreNonnullByDefault;
