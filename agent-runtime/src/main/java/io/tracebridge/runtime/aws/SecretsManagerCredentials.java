package io.tracebridge.runtime.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.internal.Json;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The runtime seed's credential scheme for AgentCore, where containers have no instance metadata:
 * bootstrap credentials (environment) read a Secrets Manager secret holding the Bedrock
 * credentials as JSON {@code {"AWS_ACCESS_KEY_ID": ..., "AWS_SECRET_ACCESS_KEY": ...,
 * "AWS_SESSION_TOKEN": optional}}. Read once at start-up ({@code BEDROCK_CREDENTIALS_SECRET}).
 */
public final class SecretsManagerCredentials {
  private SecretsManagerCredentials() {}

  /**
   * Fetches and parses the secret.
   *
   * @throws IllegalStateException naming the secret (never its values) when it cannot be read or
   *     lacks the keys
   */
  /**
   * An API key kept in Secrets Manager ({@code OPENAI_API_KEY_SECRET}): the secret's string as it
   * is, or, when it is a JSON object, its {@code field} (e.g. {@code OPENAI_API_KEY}).
   *
   * @throws IllegalStateException naming {@code setting} and the secret (never its value) when it
   *     cannot be read or is empty
   */
  public static String apiKey(SecretsManagerClient client, String setting, String secretId, String field) {
    String text;
    try {
      text = client.getSecretValue(r -> r.secretId(secretId)).secretString();
    } catch (SdkException e) {
      throw new IllegalStateException(setting + " '" + secretId + "' could not be read: " + e.getMessage(), e);
    }
    String key = text == null ? "" : text.trim();
    if (key.startsWith("{")) {
      try {
        key = Json.read(key).path(field).asText("").trim();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(setting + " '" + secretId + "' is neither a key nor a JSON object");
      }
    }
    if (key.isEmpty()) {
      throw new IllegalStateException(setting + " '" + secretId + "' holds no key (a string, or JSON with " + field + ")");
    }
    return key;
  }

  public static AwsCredentialsProvider fetch(SecretsManagerClient client, String secretId) {
    Objects.requireNonNull(secretId, "BEDROCK_CREDENTIALS_SECRET");
    String text;
    try {
      text = client.getSecretValue(r -> r.secretId(secretId)).secretString();
    } catch (SdkException e) {
      throw new IllegalStateException(
          "BEDROCK_CREDENTIALS_SECRET '" + secretId + "' could not be read: " + e.getMessage(), e);
    }
    if (text == null) {
      throw new IllegalStateException("BEDROCK_CREDENTIALS_SECRET '" + secretId + "' has no string value");
    }
    JsonNode json;
    try {
      json = Json.read(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BEDROCK_CREDENTIALS_SECRET '" + secretId + "' is not a JSON object");
    }
    String key = json.path("AWS_ACCESS_KEY_ID").asText("");
    String secret = json.path("AWS_SECRET_ACCESS_KEY").asText("");
    if (key.isBlank() || secret.isBlank()) {
      throw new IllegalStateException(
          "BEDROCK_CREDENTIALS_SECRET '" + secretId + "' must hold AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
    String token = json.path("AWS_SESSION_TOKEN").asText("");
    AwsCredentials credentials =
        token.isBlank() ? AwsBasicCredentials.create(key, secret) : AwsSessionCredentials.create(key, secret, token);
    return StaticCredentialsProvider.create(credentials);
  }
}
