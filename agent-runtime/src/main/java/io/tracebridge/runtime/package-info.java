/**
 * The TraceBridge agent runtime: configuration, the AgentCore HTTP server and its bootstrap.
 *
 * <p>{@link io.tracebridge.runtime.AgentRuntimeServer} serves {@code GET /ping} and {@code POST
 * /invocations}; {@link io.tracebridge.runtime.AgentRuntimeMain} reads the environment once, builds
 * telemetry, the model and the tools, and starts the server.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime;

import javax.annotation.ParametersAreNonnullByDefault;
