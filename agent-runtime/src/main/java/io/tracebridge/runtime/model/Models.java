package io.tracebridge.runtime.model;

import io.tracebridge.runtime.RuntimeConfig;
import io.tracebridge.runtime.core.Model;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Chooses a model by id ({@code MODEL_ID}, or a request's {@code model_id}):
 *
 * <ul>
 *   <li>{@code scripted} → {@link ScriptedModel};
 *   <li>{@code openai:<model>} → {@link OpenAiCompatibleModel} at {@code OPENAI_BASE_URL} with
 *       {@code OPENAI_API_KEY};
 *   <li>{@code <provider>:<model>} for a provider of {@code OPENAI_PROVIDERS}, or {@code
 *       gemini:<model>} (Gemini's OpenAI-compatible API) → {@link OpenAiCompatibleModel} at that
 *       provider's endpoint ({@link OpenAiProvider});
 *   <li>{@code gemini-native:<model>} → {@link GeminiModel} (Gemini's own {@code generateContent}
 *       API) at {@code GEMINI_NATIVE_BASE_URL} with {@code GEMINI_API_KEY};
 *   <li>{@code bedrock:<id>}, or any other id (a Bedrock model id or inference profile id such as
 *       {@code us.anthropic.claude-sonnet-4-20250514-v1:0}) → {@link BedrockConverseModel} in
 *       {@code AWS_REGION} (at {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME} when set).
 * </ul>
 *
 * <p>{@link #resolver} caches one model per id (thread-safe). Bedrock credentials are asked for
 * only when a Bedrock model is built.
 */
public final class Models {
  private Models() {}

  /**
   * Builds the model for {@code id}.
   *
   * @throws IllegalArgumentException naming the setting when the id or its settings are invalid
   */
  public static Model create(String id, RuntimeConfig config, Supplier<AwsCredentialsProvider> bedrockCredentials) {
    return create(id, config, bedrockCredentials, config::openAiApiKey);
  }

  /**
   * As {@link #create(String, RuntimeConfig, Supplier)}, the OpenAI-compatible key from {@code
   * openAiApiKey} (asked for only when such a model is built; null: no key).
   */
  public static Model create(
      String id, RuntimeConfig config, Supplier<AwsCredentialsProvider> bedrockCredentials, Supplier<String> openAiApiKey) {
    return create(id, config, bedrockCredentials, openAiApiKey, KeySecret.Lookup.NONE);
  }

  /**
   * As {@link #create(String, RuntimeConfig, Supplier, Supplier)}, the keys of providers with an
   * {@code api_key_secret} (and of Gemini with {@code GEMINI_API_KEY_SECRET}) read through {@code
   * secrets} when their model is built.
   */
  public static Model create(String id, RuntimeConfig config, Supplier<AwsCredentialsProvider> bedrockCredentials,
      Supplier<String> openAiApiKey, KeySecret.Lookup secrets) {
    Objects.requireNonNull(id, "MODEL_ID");
    if (id.isBlank()) {
      throw new IllegalArgumentException("MODEL_ID must not be blank");
    }
    if (id.equals(ScriptedModel.MODEL_ID)) {
      return new ScriptedModel();
    }
    if (id.startsWith(OpenAiCompatibleModel.PREFIX)) {
      return OpenAiCompatibleModel.builder()
          .baseUrl(config.openAiBaseUrl())
          .apiKey(openAiApiKey.get())
          .maxTokensField(config.openAiMaxTokensField())
          .model(id.substring(OpenAiCompatibleModel.PREFIX.length()))
          .provider("openai")
          .build();
    }
    if (id.startsWith(GeminiModel.PREFIX)) {
      return new GeminiModel(config.geminiNativeBaseUrl(), id.substring(GeminiModel.PREFIX.length()),
          config.geminiApiKeySecret() == null ? config.geminiApiKey() : secrets.apiKey(config.geminiApiKeySecret()),
          OpenAiCompatibleModel.DEFAULT_TIMEOUT);
    }
    int colon = id.indexOf(':');
    OpenAiProvider provider = colon < 0 ? null : config.openAiProviders().get(id.substring(0, colon));
    if (provider != null) {
      return OpenAiCompatibleModel.builder()
          .baseUrl(provider.baseUrl())
          .apiKey(provider.apiKeySecret() == null ? provider.apiKey() : secrets.apiKey(provider.apiKeySecret()))
          .maxTokensField(provider.maxTokensField())
          .model(id.substring(colon + 1))
          .provider(id.substring(0, colon))
          .build();
    }
    String bedrockId = id.startsWith(BedrockConverseModel.PREFIX) ? id.substring(BedrockConverseModel.PREFIX.length()) : id;
    if (bedrockId.isBlank()) {
      throw new IllegalArgumentException("MODEL_ID must name the Bedrock model after 'bedrock:'");
    }
    URI endpoint;
    try {
      endpoint = config.bedrockEndpointUrl() == null ? null : URI.create(config.bedrockEndpointUrl());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("AWS_ENDPOINT_URL_BEDROCK_RUNTIME is not a URL: '" + config.bedrockEndpointUrl() + "'");
    }
    return BedrockConverseModel.create(bedrockId, Region.of(config.region()), bedrockCredentials.get(), endpoint);
  }

  /** A caching resolver over {@link #create}, for {@code Agent.Builder.modelResolver}. */
  public static Function<String, Model> resolver(
      RuntimeConfig config, Supplier<AwsCredentialsProvider> bedrockCredentials, Supplier<String> openAiApiKey) {
    return resolver(config, bedrockCredentials, openAiApiKey, KeySecret.Lookup.NONE);
  }

  /** A caching resolver over {@link #create}, keys in Secrets Manager read through {@code secrets}. */
  public static Function<String, Model> resolver(RuntimeConfig config, Supplier<AwsCredentialsProvider> bedrockCredentials,
      Supplier<String> openAiApiKey, KeySecret.Lookup secrets) {
    Map<String, Model> cache = new ConcurrentHashMap<>();
    return id -> cache.computeIfAbsent(id, k -> create(k, config, bedrockCredentials, openAiApiKey, secrets));
  }
}
