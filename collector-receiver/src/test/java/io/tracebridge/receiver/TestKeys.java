package io.tracebridge.receiver;

import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.TenantAuthenticator;
import java.util.Map;

/** A bearer-key authenticator for tests: two keys, two tenants. */
public final class TestKeys {
  public static final String KEY_A = "key-a";
  public static final String KEY_B = "key-b";
  public static final String TENANT_A = "tenant-a";
  public static final String TENANT_B = "tenant-b";

  private static final Map<String, String> TENANTS = Map.of(KEY_A, TENANT_A, KEY_B, TENANT_B);

  private TestKeys() {}

  public static TenantAuthenticator authenticator() {
    return authorization -> {
      if (authorization == null) {
        throw new AuthenticationException("missing Authorization: Bearer <key>");
      }
      String key = authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
      String tenant = TENANTS.get(key);
      if (tenant == null) {
        throw new AuthenticationException("unknown API key");
      }
      return tenant;
    };
  }

  public static String bearer(String key) {
    return "Bearer " + key;
  }
}
