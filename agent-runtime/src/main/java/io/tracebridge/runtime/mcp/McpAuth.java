package io.tracebridge.runtime.mcp;

import io.tracebridge.aws.SigV4Signer;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * The headers that authenticate one MCP request, computed per request because a SigV4 signature
 * covers the method, URL and exact body.
 */
@FunctionalInterface
public interface McpAuth {
  /** Headers to set on the request {@code method uri} with {@code body} (null: none). */
  Map<String, String> headers(String method, URI uri, @Nullable String body);

  /** No authentication. */
  static McpAuth none() {
    return (method, uri, body) -> Map.of();
  }

  /** {@code Authorization: Bearer token}. */
  static McpAuth bearer(String token) {
    Objects.requireNonNull(token, "token");
    return (method, uri, body) -> Map.of("Authorization", "Bearer " + token);
  }

  /** SigV4 (AgentCore Gateway: the seed's {@code SigV4HTTPXAuth}). */
  static McpAuth sigV4(SigV4Signer signer) {
    Objects.requireNonNull(signer, "signer");
    return (method, uri, body) -> signer.sign(method, uri, Map.of(), body);
  }
}
