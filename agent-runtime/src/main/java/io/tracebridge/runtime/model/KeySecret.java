package io.tracebridge.runtime.model;

import java.util.Objects;

/**
 * Where a model's API key is kept in Secrets Manager instead of the environment: the secret id,
 * the setting that named it (for error messages) and the field to read when the secret is a JSON
 * object (a plain-string secret is the key itself).
 */
public record KeySecret(String setting, String secretId, String field) {
  public KeySecret {
    Objects.requireNonNull(setting, "setting");
    Objects.requireNonNull(secretId, "secretId");
    Objects.requireNonNull(field, "field");
    if (secretId.isBlank()) {
      throw new IllegalArgumentException(setting + " must not be blank");
    }
  }

  /** Reads a {@link KeySecret}'s key, e.g. from Secrets Manager with the default-chain credentials. */
  @FunctionalInterface
  public interface Lookup {
    /** @throws IllegalStateException naming the setting and secret (never the value) when unreadable */
    String apiKey(KeySecret secret);

    /** A lookup for callers without Secrets Manager: a key secret is a clear error. */
    Lookup NONE = secret -> {
      throw new IllegalStateException(secret.setting() + " is set but no Secrets Manager client is available here");
    };
  }
}
