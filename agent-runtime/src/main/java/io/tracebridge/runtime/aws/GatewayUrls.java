package io.tracebridge.runtime.aws;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** AgentCore Gateway URL helpers. */
public final class GatewayUrls {
  private static final Pattern REGION = Pattern.compile("bedrock-agentcore\\.([a-z0-9-]+)\\.amazonaws\\.com");

  private GatewayUrls() {}

  /**
   * The region in a gateway URL ({@code https://gw-x.gateway.bedrock-agentcore.us-west-2.amazonaws.com/mcp}
   * → {@code us-west-2}), as the seed's {@code get_gateway_region_from_url}; empty when the URL has
   * none, and the caller then falls back to {@code AWS_REGION}.
   */
  public static Optional<String> regionFromUrl(String gatewayUrl) {
    Matcher m = REGION.matcher(gatewayUrl);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** {@link #regionFromUrl} or {@code fallback}. */
  public static String region(String gatewayUrl, String fallback) {
    return regionFromUrl(gatewayUrl).orElse(fallback);
  }
}
