package io.tracebridge.runtime.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.internal.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * One MCP server the runtime takes tools from: a name (for messages and collisions), its
 * Streamable HTTP endpoint and how requests authenticate.
 *
 * <p>{@code MCP_SERVERS} is a JSON array of {@code {"name", "url", "auth"?, "token"?}}: {@code
 * auth} is {@code none}, {@code bearer} (with {@code token}) or {@code sigv4} (AgentCore Gateway,
 * service {@code bedrock-agentcore}, default-chain credentials); without {@code auth}, hosts ending
 * in {@code .amazonaws.com} are signed and others are not. {@link #toString()} masks the token.
 */
public record McpServerSpec(String name, URI url, Auth auth, @Nullable String token) {
  /** How an MCP server's requests authenticate. */
  public enum Auth {
    NONE,
    BEARER,
    SIGV4
  }

  public McpServerSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(auth, "auth");
    if (name.isBlank()) {
      throw new IllegalArgumentException("MCP server name must not be blank");
    }
    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
      throw new IllegalArgumentException("MCP server '" + name + "': url must be an http(s) URL, got '" + url + "'");
    }
    if ((auth == Auth.BEARER) != (token != null && !token.isBlank())) {
      throw new IllegalArgumentException(
          "MCP server '" + name + "': a token is needed with auth bearer, and only with it");
    }
  }

  /** {@code auth} when given, else SigV4 for {@code *.amazonaws.com} hosts and none otherwise. */
  public static Auth defaultAuth(URI url) {
    String host = url.getHost();
    return host != null && host.endsWith(".amazonaws.com") ? Auth.SIGV4 : Auth.NONE;
  }

  /**
   * Parses {@code MCP_SERVERS}.
   *
   * @throws IllegalArgumentException naming {@code MCP_SERVERS} and the entry when invalid, or
   *     when two entries share a name
   */
  public static List<McpServerSpec> parseList(String json) {
    JsonNode array;
    try {
      array = Json.read(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("MCP_SERVERS must be a JSON array: " + e.getOriginalMessage());
    }
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("MCP_SERVERS must be a JSON array of {name, url, auth?, token?}");
    }
    List<McpServerSpec> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode entry = array.get(i);
      String name = entry.path("name").asText("");
      String url = entry.path("url").asText("");
      try {
        URI uri = URI.create(url);
        String auth = entry.path("auth").asText("");
        JsonNode token = entry.get("token");
        McpServerSpec spec =
            new McpServerSpec(
                name.isBlank() ? "mcp-" + i : name,
                uri,
                auth.isBlank() ? defaultAuth(uri) : auth(auth),
                token == null || token.isNull() ? null : token.asText());
        if (!names.add(spec.name())) {
          throw new IllegalArgumentException("the name '" + spec.name() + "' is used twice");
        }
        out.add(spec);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("MCP_SERVERS[" + i + "]: " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  private static Auth auth(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "none":
        return Auth.NONE;
      case "bearer":
        return Auth.BEARER;
      case "sigv4":
        return Auth.SIGV4;
      default:
        throw new IllegalArgumentException("auth must be none, bearer or sigv4, got '" + value + "'");
    }
  }

  @Override
  public String toString() {
    return name + "=" + url + " (" + auth.name().toLowerCase(Locale.ROOT) + (token == null ? "" : " ****") + ")";
  }
}
