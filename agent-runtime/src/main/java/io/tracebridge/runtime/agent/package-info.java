/**
 * The agent loop, its result types and the Strands-style hook contract (registry, provider and
 * the six lifecycle events). {@link io.tracebridge.runtime.agent.Agent} emits spans shaped like the
 * Strands Agents SDK through the OpenTelemetry API only.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.agent;

import javax.annotation.ParametersAreNonnullByDefault;
