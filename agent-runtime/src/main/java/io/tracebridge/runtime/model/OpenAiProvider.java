package io.tracebridge.runtime.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.internal.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * A named OpenAI-compatible endpoint, so several can be configured at once: model id {@code
 * <name>:<model>} calls {@code <baseUrl>/chat/completions} with {@code apiKey}.
 *
 * <p>{@code OPENAI_PROVIDERS} is a JSON object {@code {"<name>": {"base_url", "api_key"?,
 * "max_tokens_field"?, "api_key_secret"?}}}}; {@code api_key_secret} is a Secrets Manager secret id
 * holding the key (a plain string, or JSON with {@code api_key}), read when the first model of
 * the provider is built. {@value #GEMINI} is built in: Gemini through its OpenAI-compatible API
 * ({@value #GEMINI_BASE_URL}) with {@code GEMINI_API_KEY} (or {@code GEMINI_API_KEY_SECRET}), unless configured otherwise. {@link
 * #toString()} masks the key.
 */
public record OpenAiProvider(
    String name, String baseUrl, @Nullable String apiKey, String maxTokensField, @Nullable KeySecret apiKeySecret) {
  public static final String GEMINI = "gemini";
  public static final String GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta/openai";

  public OpenAiProvider {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "base_url");
    Objects.requireNonNull(maxTokensField, "max_tokens_field");
    if (!name.matches("[a-z][a-z0-9_-]*") || name.equals("openai") || name.equals("bedrock") || name.equals("scripted")
        || name.equals("gemini-native")) {
      throw new IllegalArgumentException(
          "provider name '" + name + "' must be lower-case letters, digits, _ or -, and not openai, bedrock, scripted or gemini-native");
    }
    if (apiKey != null && apiKeySecret != null) {
      throw new IllegalArgumentException("set api_key or api_key_secret, not both");
    }
  }

  /** A provider whose key (if any) is given directly. */
  public OpenAiProvider(String name, String baseUrl, @Nullable String apiKey, String maxTokensField) {
    this(name, baseUrl, apiKey, maxTokensField, null);
  }

  /** Gemini's OpenAI-compatible endpoint with {@code apiKey}. */
  public static OpenAiProvider gemini(@Nullable String apiKey) {
    return gemini(apiKey, null);
  }

  /** Gemini's OpenAI-compatible endpoint with {@code apiKey} or the key in {@code apiKeySecret}. */
  public static OpenAiProvider gemini(@Nullable String apiKey, @Nullable KeySecret apiKeySecret) {
    return new OpenAiProvider(GEMINI, GEMINI_BASE_URL, apiKey, "max_tokens", apiKeySecret);
  }

  /**
   * Parses {@code OPENAI_PROVIDERS}.
   *
   * @throws IllegalArgumentException naming {@code OPENAI_PROVIDERS} and the provider when invalid
   */
  public static Map<String, OpenAiProvider> parseMap(String json) {
    JsonNode object;
    try {
      object = Json.read(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("OPENAI_PROVIDERS must be a JSON object: " + e.getOriginalMessage());
    }
    if (object == null || !object.isObject()) {
      throw new IllegalArgumentException("OPENAI_PROVIDERS must be a JSON object {\"<name>\": {\"base_url\", \"api_key\"?}}");
    }
    Map<String, OpenAiProvider> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      JsonNode p = e.getValue();
      String baseUrl = p.path("base_url").asText("");
      if (baseUrl.isBlank()) {
        throw new IllegalArgumentException("OPENAI_PROVIDERS." + e.getKey() + ": base_url is required");
      }
      JsonNode key = p.get("api_key");
      String secret = p.path("api_key_secret").asText(null);
      try {
        out.put(e.getKey(), new OpenAiProvider(e.getKey(), baseUrl,
            key == null || key.isNull() ? null : key.asText(), p.path("max_tokens_field").asText("max_tokens"),
            secret == null ? null : new KeySecret("OPENAI_PROVIDERS." + e.getKey() + ".api_key_secret", secret, "api_key")));
      } catch (IllegalArgumentException invalid) {
        throw new IllegalArgumentException("OPENAI_PROVIDERS." + e.getKey() + ": " + invalid.getMessage(), invalid);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return name + "=" + baseUrl + (apiKey == null ? "" : " (key ****)")
        + (apiKeySecret == null ? "" : " (key from secret " + apiKeySecret.secretId() + ")");
  }
}
