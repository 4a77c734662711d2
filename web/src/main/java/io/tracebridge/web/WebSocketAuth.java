package io.tracebridge.web;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.annotation.Nullable;

/**
 * The credentials of a websocket handshake. Browsers cannot set {@code Authorization} on a
 * websocket, and a key in the URL ends up in access logs and browser history, so a browser
 * offers two subprotocols: {@value #PROTOCOL}, which the server echoes, and {@value
 * #BEARER_PREFIX}{@code <base64url of the key>}, which carries the key and is never echoed
 * (base64url because a subprotocol must be an HTTP token and a key may hold any character).
 * Other clients may send {@code Authorization: Bearer <key>} instead; it wins when both are sent.
 */
final class WebSocketAuth {
  /** The protocol of TraceBridge's websocket; the one the server selects. */
  static final String PROTOCOL = "tracebridge.v1";
  /** Prefix of the subprotocol that carries the bearer key. */
  static final String BEARER_PREFIX = "tracebridge.bearer.";

  private WebSocketAuth() {}

  /**
   * The {@code Authorization} value the handshake carries, from the header or the bearer
   * subprotocol; null when neither is there. A bearer subprotocol that is not base64url gives a
   * value no key matches, so it is refused like a wrong key.
   */
  @Nullable
  static String authorization(MultiMap headers) {
    String header = headers.get("Authorization");
    if (header != null) {
      return header;
    }
    for (String value : headers.getAll("Sec-WebSocket-Protocol")) {
      for (String protocol : value.split(",")) {
        String p = protocol.trim();
        if (p.startsWith(BEARER_PREFIX)) {
          return "Bearer " + decode(p.substring(BEARER_PREFIX.length()));
        }
      }
    }
    return null;
  }

  /** The subprotocol a client offers (besides {@link #PROTOCOL}) to authenticate with {@code key}. */
  static String bearerProtocol(String key) {
    return BEARER_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String encoded) {
    try {
      return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
