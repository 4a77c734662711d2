/**
 * Conversation and extension types: messages, content blocks, the {@link
 * io.tracebridge.runtime.core.Model} and {@link io.tracebridge.runtime.core.Tool} seams and the
 * tool registry. Value types are immutable records; JSON payloads are Jackson trees that callers
 * treat as read-only.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.core;

import javax.annotation.ParametersAreNonnullByDefault;
