/**
 * Decorators of the durable store that work on whole traces: {@link
 * io.tracebridge.store.assembly.TraceContextFiller}, the trace-level stage between the mapper
 * and the store (one record per step, every record with its nearest ancestor agent and session,
 * assembled across exports and nodes from the span topology kept in the store).
 */
@ParametersAreNonnullByDefault
package io.tracebridge.store.assembly;

import javax.annotation.ParametersAreNonnullByDefault;
