/**
 * AWS plumbing shared by the models and MCP tools: SigV4 signing for non-SDK HTTP clients, the
 * gateway-URL region rule, and Bedrock credentials from Secrets Manager.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.aws;

import javax.annotation.ParametersAreNonnullByDefault;
