/**
 * The store and query contracts over functional records.
 *
 * <p>{@link io.tracebridge.store.TraceSink} receives records; {@link
 * io.tracebridge.store.TraceReader} answers queries; {@link io.tracebridge.store.TraceStore} is
 * both. The interfaces carry no AWS, Vert.x or gRPC types, so the in-memory store and the DynamoDB
 * store pass one contract test. Results are {@link java.util.concurrent.CompletionStage}s; callers
 * on an event loop bridge them with {@code Future.fromCompletionStage}.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.store;

import javax.annotation.ParametersAreNonnullByDefault;
