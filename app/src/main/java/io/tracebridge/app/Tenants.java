package io.tracebridge.app;

import io.tracebridge.app.config.RoleOptions;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.store.ApiKeyAuthenticator;
import io.tracebridge.store.TenantAuthenticator;
import javax.annotation.Nullable;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Bearer keys → tenants, read once at start-up from the file or the Secrets Manager secret the
 * tenancy settings name; with neither, one default tenant and no keys (the embedded mode).
 */
final class Tenants {
  private Tenants() {}

  /** The authenticator the settings describe. @throws IllegalArgumentException naming the source */
  static TenantAuthenticator authenticator(RoleOptions.Tenancy tenancy) {
    if (tenancy.file != null) {
      return ApiKeyAuthenticator.fromFile(tenancy.file);
    }
    if (tenancy.secretId != null) {
      return fromSecret(tenancy.secretId);
    }
    return TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT);
  }

  /** The authenticator the web node takes: null when there are no keys (default tenant). */
  static @Nullable TenantAuthenticator forWeb(RoleOptions.Tenancy tenancy, TenantAuthenticator authenticator) {
    return tenancy.enabled() ? authenticator : null;
  }

  /**
   * Reads the secret's string with the default credentials chain and region. The keys never
   * appear in an error message.
   */
  static ApiKeyAuthenticator fromSecret(String secretId) {
    try (SecretsManagerClient client =
        SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
      return fromSecret(client, secretId);
    }
  }

  /** As {@link #fromSecret(String)}, with {@code client} (which the caller closes). */
  static ApiKeyAuthenticator fromSecret(SecretsManagerClient client, String secretId) {
    String source = "api-keys-secret " + secretId;
    try {
      String json = client.getSecretValue(b -> b.secretId(secretId)).secretString();
      if (json == null) {
        throw new IllegalArgumentException(source + ": the secret has no string value");
      }
      return ApiKeyAuthenticator.fromJson(json, source);
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }
}
