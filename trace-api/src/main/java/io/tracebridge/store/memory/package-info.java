/**
 * {@link io.tracebridge.store.memory.InMemoryTraceStore}: a real, thread-safe {@link
 * io.tracebridge.store.TraceStore} held in memory, for tests and single-process runs. It passes the
 * same contract test as the DynamoDB store.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.store.memory;

import javax.annotation.ParametersAreNonnullByDefault;
