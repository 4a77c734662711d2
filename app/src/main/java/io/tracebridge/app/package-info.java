/**
 * The launcher: {@code ./tracebridge up} runs every component in one JVM over embedded DynamoDB
 * Local, and {@code ./tracebridge demo} invokes the agent with the integration prompt.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.app;

import javax.annotation.ParametersAreNonnullByDefault;
