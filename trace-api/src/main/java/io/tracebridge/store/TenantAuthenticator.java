package io.tracebridge.store;

import javax.annotation.Nullable;

/**
 * Maps the credentials of a request (OTLP, REST or websocket) to the tenant it acts for.
 *
 * <p>Every entry point calls it once per request with the raw {@code Authorization} header value
 * and scopes everything it reads or writes to the returned tenant. Implementations are
 * thread-safe and cheap (no I/O per call).
 */
@FunctionalInterface
public interface TenantAuthenticator {

  /**
   * The tenant of the embedded mode, which needs no keys: the one definition the receiver's and
   * the web server's configurations refer to ({@code ReceiverConfig.DEFAULT_TENANT}, {@code
   * WebConfig.DEFAULT_TENANT}), so records the receiver stores there are the ones the web server
   * reads.
   */
  String DEFAULT_TENANT = "default";

  /**
   * The tenant for {@code authorization} (the whole header value, e.g. {@code "Bearer k-123"}, or
   * null when the request carries none).
   *
   * @throws AuthenticationException when the credentials are missing or unknown
   */
  String authenticate(@Nullable String authorization) throws AuthenticationException;

  /** The embedded mode: no keys, every request acts for {@code tenant}. */
  static TenantAuthenticator singleTenant(String tenant) {
    return authorization -> tenant;
  }
}
