/** MCP tools over Streamable HTTP (official MCP Java SDK), SigV4-signed for AgentCore Gateway. */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.mcp;

import javax.annotation.ParametersAreNonnullByDefault;
