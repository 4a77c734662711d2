package io.tracebridge.runtime;

import io.tracebridge.runtime.telemetry.SemconvMode;
import io.tracebridge.runtime.mcp.McpServerSpec;
import io.tracebridge.runtime.model.GeminiModel;
import io.tracebridge.runtime.model.KeySecret;
import io.tracebridge.runtime.model.OpenAiProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * Validated, immutable runtime configuration. Build it with {@link #builder()}, or from environment
 * variables with {@link #fromEnvironment(Map)} (bootstrap code only; nothing deeper reads the
 * environment). Error messages name the environment key.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>Key</th><th>Default</th></tr>
 *   <tr><td>PORT</td><td>8080 (0 = ephemeral)</td></tr>
 *   <tr><td>HOST</td><td>0.0.0.0 (AgentCore reaches the container on every interface)</td></tr>
 *   <tr><td>MODEL_ID</td><td>scripted</td></tr>
 *   <tr><td>AWS_REGION (or AWS_DEFAULT_REGION)</td><td>us-east-1</td></tr>
 *   <tr><td>MAX_TOKENS</td><td>4096</td></tr>
 *   <tr><td>MODEL_MAX_TOKENS</td><td>none (JSON object: model id to max tokens)</td></tr>
 *   <tr><td>MAX_ITERATIONS</td><td>10</td></tr>
 *   <tr><td>SYSTEM_PROMPT</td><td>none</td></tr>
 *   <tr><td>AGENT_NAME</td><td>tracebridge-agent</td></tr>
 *   <tr><td>OTEL_SEMCONV_STABILITY_OPT_IN</td><td>none (legacy events); gen_ai_latest_experimental</td></tr>
 *   <tr><td>OPENAI_BASE_URL</td><td>https://api.openai.com/v1</td></tr>
 *   <tr><td>OPENAI_API_KEY</td><td>none</td></tr>
 *   <tr><td>OPENAI_MAX_TOKENS_FIELD</td><td>max_tokens</td></tr>
 *   <tr><td>BEDROCK_CREDENTIALS_SECRET</td><td>none</td></tr>
 *   <tr><td>AWS_ENDPOINT_URL_BEDROCK_RUNTIME</td><td>none (the region's Bedrock runtime endpoint)</td></tr>
 *   <tr><td>OPENAI_PROVIDERS</td><td>none (JSON, see {@link OpenAiProvider})</td></tr>
 *   <tr><td>GEMINI_API_KEY</td><td>none (the built-in gemini provider's key)</td></tr>
 *   <tr><td>GEMINI_API_KEY_SECRET</td><td>none (Secrets Manager id of Gemini's key)</td></tr>
 *   <tr><td>GEMINI_NATIVE_BASE_URL</td><td>https://generativelanguage.googleapis.com (gemini-native: models)</td></tr>
 *   <tr><td>OPENAI_API_KEY_SECRET</td><td>none (Secrets Manager id of the OpenAI key)</td></tr>
 *   <tr><td>LOG_FORMAT</td><td>text; json (one JSON object per request line)</td></tr>
 *   <tr><td>LOG_BODY_CHARS</td><td>256 (0 = no body excerpt)</td></tr>
 *   <tr><td>DEMO_TOOLS</td><td>false (true: offer calculate and echo)</td></tr>
 *   <tr><td>MCP_SERVERS</td><td>none (JSON array, see {@link McpServerSpec})</td></tr>
 *   <tr><td>MCP_SERVER_URL (or GATEWAY_URL)</td><td>none (one server named mcp)</td></tr>
 *   <tr><td>MCP_SIGV4</td><td>auto (sign when the host ends with .amazonaws.com)</td></tr>
 * </table>
 */
public final class RuntimeConfig {
  public static final int DEFAULT_PORT = 8080;
  /** Every interface: what AgentCore's container contract needs. */
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final String DEFAULT_MODEL_ID = "scripted";
  public static final String DEFAULT_REGION = "us-east-1";
  public static final int DEFAULT_MAX_TOKENS = 4096;
  public static final int DEFAULT_MAX_ITERATIONS = 10;
  public static final String DEFAULT_AGENT_NAME = "tracebridge-agent";
  /** Upper bound of MAX_ITERATIONS, a guard against runaway loops. */
  public static final int MAX_MAX_ITERATIONS = 1_000;
  public static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
  public static final int DEFAULT_LOG_BODY_CHARS = 256;

  private final int port;
  private final String host;
  private final String modelId;
  private final String region;
  private final int maxTokens;
  private final int maxIterations;
  private final Map<String, Integer> modelMaxTokens;
  private final @Nullable String systemPrompt;
  private final String agentName;
  private final SemconvMode semconvMode;
  private final String openAiBaseUrl;
  private final @Nullable String openAiApiKey;
  private final String openAiMaxTokensField;
  private final @Nullable String bedrockCredentialsSecret;
  private final @Nullable String openAiApiKeySecret;
  private final @Nullable String geminiApiKey;
  private final @Nullable String bedrockEndpointUrl;
  private final @Nullable KeySecret geminiApiKeySecret;
  private final String geminiNativeBaseUrl;
  private final Map<String, OpenAiProvider> openAiProviders;
  private final boolean demoTools;
  private final List<McpServerSpec> mcpServers;
  private final boolean jsonLogs;
  private final int logBodyChars;

  private RuntimeConfig(Builder b) {
    this.port = b.port;
    this.host = b.host;
    this.modelId = b.modelId;
    this.region = b.region;
    this.maxTokens = b.maxTokens;
    this.maxIterations = b.maxIterations;
    this.modelMaxTokens = Map.copyOf(b.modelMaxTokens);
    this.systemPrompt = b.systemPrompt;
    this.agentName = b.agentName;
    this.semconvMode = b.semconvMode;
    this.openAiBaseUrl = b.openAiBaseUrl;
    this.openAiApiKey = b.openAiApiKey;
    this.openAiMaxTokensField = b.openAiMaxTokensField;
    this.bedrockCredentialsSecret = b.bedrockCredentialsSecret;
    this.openAiApiKeySecret = b.openAiApiKeySecret;
    this.geminiApiKey = b.geminiApiKey;
    this.bedrockEndpointUrl = b.bedrockEndpointUrl;
    this.geminiApiKeySecret = b.geminiApiKeySecret;
    this.geminiNativeBaseUrl = b.geminiNativeBaseUrl;
    this.openAiProviders = Map.copyOf(b.openAiProviders);
    this.demoTools = b.demoTools;
    this.mcpServers = List.copyOf(b.mcpServers);
    this.jsonLogs = b.jsonLogs;
    this.logBodyChars = b.logBodyChars;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return builder()
        .port(port)
        .host(host)
        .modelId(modelId)
        .region(region)
        .maxTokens(maxTokens)
        .maxIterations(maxIterations)
        .modelMaxTokens(modelMaxTokens)
        .systemPrompt(systemPrompt)
        .agentName(agentName)
        .semconvMode(semconvMode)
        .openAiBaseUrl(openAiBaseUrl)
        .openAiApiKey(openAiApiKey)
        .openAiMaxTokensField(openAiMaxTokensField)
        .bedrockCredentialsSecret(bedrockCredentialsSecret)
        .openAiApiKeySecret(openAiApiKeySecret)
        .geminiApiKey(geminiApiKey)
        .bedrockEndpointUrl(bedrockEndpointUrl)
        .geminiApiKeySecret(geminiApiKeySecret)
        .geminiNativeBaseUrl(geminiNativeBaseUrl)
        .openAiProviders(openAiProviders)
        .demoTools(demoTools)
        .mcpServers(mcpServers)
        .jsonLogs(jsonLogs)
        .logBodyChars(logBodyChars);
  }

  /**
   * Reads the keys above from {@code env}; absent or blank keys keep their default.
   *
   * @throws IllegalArgumentException naming the key when a value is not a number or out of range
   */
  public static RuntimeConfig fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, false);
  }

  /**
   * As {@link #fromEnvironment(Map)}, with {@code DEMO_TOOLS} defaulting to {@code
   * demoToolsByDefault} ({@code tracebridge up}, whose demo needs them, passes true).
   */
  public static RuntimeConfig fromEnvironment(Map<String, String> env, boolean demoToolsByDefault) {
    Builder b = builder().demoTools(demoToolsByDefault);
    String v;
    if ((v = value(env, "PORT")) != null) {
      b.port(integer("PORT", v));
    }
    if ((v = value(env, "HOST")) != null) {
      b.host(v);
    }
    if ((v = value(env, "MODEL_ID")) != null) {
      b.modelId(v);
    }
    if ((v = value(env, "AWS_REGION")) != null || (v = value(env, "AWS_DEFAULT_REGION")) != null) {
      b.region(v);
    }
    if ((v = value(env, "MAX_TOKENS")) != null) {
      b.maxTokens(integer("MAX_TOKENS", v));
    }
    if ((v = value(env, "MODEL_MAX_TOKENS")) != null) {
      b.modelMaxTokens(modelMaxTokens(v));
    }
    if ((v = value(env, "MAX_ITERATIONS")) != null) {
      b.maxIterations(integer("MAX_ITERATIONS", v));
    }
    b.systemPrompt(value(env, "SYSTEM_PROMPT"));
    if ((v = value(env, "AGENT_NAME")) != null) {
      b.agentName(v);
    }
    b.semconvMode(SemconvMode.fromOptIn(value(env, "OTEL_SEMCONV_STABILITY_OPT_IN")));
    if ((v = value(env, "OPENAI_BASE_URL")) != null) {
      b.openAiBaseUrl(v);
    }
    b.openAiApiKey(value(env, "OPENAI_API_KEY"));
    if ((v = value(env, "OPENAI_MAX_TOKENS_FIELD")) != null) {
      b.openAiMaxTokensField(v);
    }
    b.bedrockCredentialsSecret(value(env, "BEDROCK_CREDENTIALS_SECRET"));
    b.openAiApiKeySecret(value(env, "OPENAI_API_KEY_SECRET"));
    Map<String, OpenAiProvider> providers = new java.util.LinkedHashMap<>();
    b.geminiApiKey(value(env, "GEMINI_API_KEY"));
    b.bedrockEndpointUrl(value(env, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"));
    if ((v = value(env, "GEMINI_NATIVE_BASE_URL")) != null) {
      b.geminiNativeBaseUrl(v);
    }
    String geminiSecret = value(env, "GEMINI_API_KEY_SECRET");
    KeySecret geminiKeySecret = geminiSecret == null ? null : new KeySecret("GEMINI_API_KEY_SECRET", geminiSecret, "GEMINI_API_KEY");
    if (geminiKeySecret != null && value(env, "GEMINI_API_KEY") != null) {
      throw new IllegalArgumentException("set GEMINI_API_KEY or GEMINI_API_KEY_SECRET, not both");
    }
    b.geminiApiKeySecret(geminiKeySecret);
    providers.put(OpenAiProvider.GEMINI, OpenAiProvider.gemini(value(env, "GEMINI_API_KEY"), geminiKeySecret));
    if ((v = value(env, "OPENAI_PROVIDERS")) != null) {
      providers.putAll(OpenAiProvider.parseMap(v));
    }
    b.openAiProviders(providers);
    if ((v = value(env, "DEMO_TOOLS")) != null) {
      b.demoTools(bool("DEMO_TOOLS", v));
    }
    b.mcpServers(mcpServers(env));
    if ((v = value(env, "LOG_FORMAT")) != null) {
      if (!v.equalsIgnoreCase("json") && !v.equalsIgnoreCase("text")) {
        throw new IllegalArgumentException("LOG_FORMAT must be text or json, got '" + v + "'");
      }
      b.jsonLogs(v.equalsIgnoreCase("json"));
    }
    if ((v = value(env, "LOG_BODY_CHARS")) != null) {
      b.logBodyChars(integer("LOG_BODY_CHARS", v));
    }
    return b.build();
  }

  /** {@code MCP_SERVERS}, or the single server of {@code MCP_SERVER_URL}/{@code MCP_SIGV4}; not both. */
  private static List<McpServerSpec> mcpServers(Map<String, String> env) {
    String list = value(env, "MCP_SERVERS");
    String url = value(env, "MCP_SERVER_URL");
    if (url == null) {
      url = value(env, "GATEWAY_URL");
    }
    String sign = value(env, "MCP_SIGV4");
    Boolean signed = sign == null || sign.equalsIgnoreCase("auto") ? null : bool("MCP_SIGV4", sign);
    if (list != null && url != null) {
      throw new IllegalArgumentException("set MCP_SERVERS or MCP_SERVER_URL (GATEWAY_URL), not both");
    }
    if (list != null) {
      return McpServerSpec.parseList(list);
    }
    if (url == null) {
      return List.of();
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("MCP_SERVER_URL must be an http(s) URL, got '" + url + "'");
    }
    McpServerSpec.Auth auth =
        signed == null ? McpServerSpec.defaultAuth(uri) : signed ? McpServerSpec.Auth.SIGV4 : McpServerSpec.Auth.NONE;
    try {
      return List.of(new McpServerSpec("mcp", uri, auth, null));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("MCP_SERVER_URL must be an http(s) URL, got '" + url + "'");
    }
  }

  /** {@code {"<model id>": <max tokens>, ...}}. */
  private static Map<String, Integer> modelMaxTokens(String json) {
    com.fasterxml.jackson.databind.JsonNode object;
    try {
      object = io.tracebridge.runtime.internal.Json.read(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("MODEL_MAX_TOKENS must be a JSON object: " + e.getOriginalMessage());
    }
    if (object == null || !object.isObject()) {
      throw new IllegalArgumentException("MODEL_MAX_TOKENS must be a JSON object {\"<model id>\": <max tokens>}");
    }
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : object.properties()) {
      if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber() || e.getValue().asInt() < 1) {
        throw new IllegalArgumentException(
            "MODEL_MAX_TOKENS: " + e.getKey() + " must be an integer >= 1, got " + e.getValue());
      }
      out.put(e.getKey(), e.getValue().asInt());
    }
    return out;
  }

  private static boolean bool(String key, String value) {
    switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(key + " must be true or false" + (key.equals("MCP_SIGV4") ? " or auto" : "")
            + ", got '" + value + "'");
    }
  }

  private static @Nullable String value(Map<String, String> env, String key) {
    String v = env.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
    }
  }

  /** HTTP port; 0 binds an ephemeral port. */
  public int port() {
    return port;
  }

  /** The interface the HTTP server binds. */
  public String host() {
    return host;
  }

  public String modelId() {
    return modelId;
  }

  public String region() {
    return region;
  }

  public int maxTokens() {
    return maxTokens;
  }

  public int maxIterations() {
    return maxIterations;
  }

  /** Per-model max tokens over {@link #maxTokens()}, by model id as in {@code MODEL_ID} / {@code model_id}. */
  public Map<String, Integer> modelMaxTokens() {
    return modelMaxTokens;
  }

  public @Nullable String systemPrompt() {
    return systemPrompt;
  }

  public String agentName() {
    return agentName;
  }

  /** Which Strands content events spans carry ({@code OTEL_SEMCONV_STABILITY_OPT_IN}). */
  public SemconvMode semconvMode() {
    return semconvMode;
  }

  public String openAiBaseUrl() {
    return openAiBaseUrl;
  }

  public @Nullable String openAiApiKey() {
    return openAiApiKey;
  }

  public String openAiMaxTokensField() {
    return openAiMaxTokensField;
  }

  /** Named OpenAI-compatible endpoints ({@code OPENAI_PROVIDERS}, plus the built-in gemini), by name. */
  public Map<String, OpenAiProvider> openAiProviders() {
    return openAiProviders;
  }

  /** Secrets Manager secret holding the OpenAI-compatible key ({@code OPENAI_API_KEY_SECRET}). */
  public @Nullable String openAiApiKeySecret() {
    return openAiApiKeySecret;
  }

  /** Gemini's key ({@code GEMINI_API_KEY}), for {@code gemini-native:} models and the built-in gemini provider. */
  public @Nullable String geminiApiKey() {
    return geminiApiKey;
  }

  /**
   * Bedrock runtime endpoint override ({@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME}, the AWS SDK's own
   * name for it), e.g. a VPC endpoint; null: the region's endpoint.
   */
  public @Nullable String bedrockEndpointUrl() {
    return bedrockEndpointUrl;
  }

  /** Where Gemini's key is kept instead ({@code GEMINI_API_KEY_SECRET}); null: {@link #geminiApiKey()}. */
  public @Nullable KeySecret geminiApiKeySecret() {
    return geminiApiKeySecret;
  }

  /** API root of {@code gemini-native:} models ({@code GEMINI_NATIVE_BASE_URL}). */
  public String geminiNativeBaseUrl() {
    return geminiNativeBaseUrl;
  }

  public @Nullable String bedrockCredentialsSecret() {
    return bedrockCredentialsSecret;
  }

  /** Whether the demo tools {@code calculate} and {@code echo} are offered ({@code DEMO_TOOLS}). */
  public boolean demoTools() {
    return demoTools;
  }

  /** Whether request log lines are JSON objects ({@code LOG_FORMAT=json}) rather than text. */
  public boolean jsonLogs() {
    return jsonLogs;
  }

  /** How many characters of a request body the request log shows ({@code LOG_BODY_CHARS}). */
  public int logBodyChars() {
    return logBodyChars;
  }

  /** The MCP servers whose tools are offered, in order. */
  public List<McpServerSpec> mcpServers() {
    return mcpServers;
  }

  /** The configuration with the system prompt shown by length only and the API key masked. */
  @Override
  public String toString() {
    return "RuntimeConfig{host=" + host + ", port=" + port
        + ", modelId=" + modelId
        + ", region=" + region
        + ", maxTokens=" + maxTokens
        + (modelMaxTokens.isEmpty() ? "" : ", modelMaxTokens=" + modelMaxTokens)
        + ", maxIterations=" + maxIterations
        + ", systemPrompt=" + (systemPrompt == null ? "none" : "<" + systemPrompt.length() + " chars>")
        + ", agentName=" + agentName
        + ", semconv=" + semconvMode
        + (modelId.startsWith("openai:")
            ? ", openAiBaseUrl=" + openAiBaseUrl + ", openAiApiKey=" + (openAiApiKey == null ? "none" : "****")
                + (openAiApiKeySecret == null ? "" : ", openAiApiKeySecret=" + openAiApiKeySecret)
            : "")
        + ", openAiProviders=" + new java.util.TreeMap<>(openAiProviders).values()
        + (bedrockCredentialsSecret == null ? "" : ", bedrockCredentialsSecret=" + bedrockCredentialsSecret)
        + ", demoTools=" + demoTools
        + ", logFormat=" + (jsonLogs ? "json" : "text") + ", logBodyChars=" + logBodyChars
        + (mcpServers.isEmpty() ? "" : ", mcpServers=" + mcpServers)
        + "}";
  }

  /** Builds a {@link RuntimeConfig}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private String host = DEFAULT_HOST;
    private String modelId = DEFAULT_MODEL_ID;
    private String region = DEFAULT_REGION;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private int maxIterations = DEFAULT_MAX_ITERATIONS;
    private Map<String, Integer> modelMaxTokens = Map.of();
    private @Nullable String systemPrompt;
    private String agentName = DEFAULT_AGENT_NAME;
    private SemconvMode semconvMode = SemconvMode.LEGACY;
    private String openAiBaseUrl = DEFAULT_OPENAI_BASE_URL;
    private @Nullable String openAiApiKey;
    private String openAiMaxTokensField = "max_tokens";
    private @Nullable String bedrockCredentialsSecret;
    private @Nullable String openAiApiKeySecret;
    private @Nullable String geminiApiKey;
    private @Nullable String bedrockEndpointUrl;
    private @Nullable KeySecret geminiApiKeySecret;
    private String geminiNativeBaseUrl = GeminiModel.DEFAULT_BASE_URL;
    private Map<String, OpenAiProvider> openAiProviders = Map.of(OpenAiProvider.GEMINI, OpenAiProvider.gemini(null));
    private boolean demoTools;
    private List<McpServerSpec> mcpServers = List.of();
    private boolean jsonLogs;
    private int logBodyChars = DEFAULT_LOG_BODY_CHARS;

    private Builder() {}

    public Builder semconvMode(SemconvMode mode) {
      this.semconvMode = Objects.requireNonNull(mode, "OTEL_SEMCONV_STABILITY_OPT_IN");
      return this;
    }

    public Builder openAiBaseUrl(String url) {
      this.openAiBaseUrl = Objects.requireNonNull(url, "OPENAI_BASE_URL");
      return this;
    }

    public Builder openAiApiKey(@Nullable String key) {
      this.openAiApiKey = key;
      return this;
    }

    public Builder openAiMaxTokensField(String field) {
      this.openAiMaxTokensField = Objects.requireNonNull(field, "OPENAI_MAX_TOKENS_FIELD");
      return this;
    }

    public Builder openAiProviders(Map<String, OpenAiProvider> providers) {
      this.openAiProviders = Map.copyOf(providers);
      return this;
    }

    public Builder openAiApiKeySecret(@Nullable String secretId) {
      this.openAiApiKeySecret = secretId;
      return this;
    }

    public Builder geminiApiKey(@Nullable String key) {
      this.geminiApiKey = key;
      return this;
    }

    public Builder geminiApiKeySecret(@Nullable KeySecret secret) {
      this.geminiApiKeySecret = secret;
      return this;
    }

    public Builder bedrockEndpointUrl(@Nullable String url) {
      this.bedrockEndpointUrl = url;
      return this;
    }

    public Builder geminiNativeBaseUrl(String url) {
      this.geminiNativeBaseUrl = Objects.requireNonNull(url, "GEMINI_NATIVE_BASE_URL");
      return this;
    }

    public Builder bedrockCredentialsSecret(@Nullable String secretId) {
      this.bedrockCredentialsSecret = secretId;
      return this;
    }

    public Builder demoTools(boolean demoTools) {
      this.demoTools = demoTools;
      return this;
    }

    public Builder jsonLogs(boolean jsonLogs) {
      this.jsonLogs = jsonLogs;
      return this;
    }

    public Builder logBodyChars(int chars) {
      this.logBodyChars = chars;
      return this;
    }

    public Builder mcpServers(List<McpServerSpec> servers) {
      this.mcpServers = List.copyOf(servers);
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "HOST");
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder modelId(String modelId) {
      this.modelId = Objects.requireNonNull(modelId, "MODEL_ID");
      return this;
    }

    public Builder region(String region) {
      this.region = Objects.requireNonNull(region, "AWS_REGION");
      return this;
    }

    public Builder maxTokens(int maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    public Builder maxIterations(int maxIterations) {
      this.maxIterations = maxIterations;
      return this;
    }

    public Builder modelMaxTokens(Map<String, Integer> byModel) {
      this.modelMaxTokens = Map.copyOf(byModel);
      return this;
    }

    public Builder systemPrompt(@Nullable String systemPrompt) {
      this.systemPrompt = systemPrompt;
      return this;
    }

    public Builder agentName(String agentName) {
      this.agentName = Objects.requireNonNull(agentName, "AGENT_NAME");
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the environment key of the first invalid value
     */
    public RuntimeConfig build() {
      check(port >= 0 && port <= 65_535, "PORT must be between 0 and 65535, got " + port);
      check(!host.isBlank(), "HOST must not be blank");
      check(!modelId.isBlank(), "MODEL_ID must not be blank");
      check(!region.isBlank(), "AWS_REGION must not be blank");
      check(maxTokens >= 1, "MAX_TOKENS must be >= 1, got " + maxTokens);
      check(
          maxIterations >= 1 && maxIterations <= MAX_MAX_ITERATIONS,
          "MAX_ITERATIONS must be between 1 and " + MAX_MAX_ITERATIONS + ", got " + maxIterations);
      check(!agentName.isBlank(), "AGENT_NAME must not be blank");
      check(openAiApiKey == null || openAiApiKeySecret == null, "set OPENAI_API_KEY or OPENAI_API_KEY_SECRET, not both");
      check(
          openAiMaxTokensField.equals("max_tokens") || openAiMaxTokensField.equals("max_completion_tokens"),
          "OPENAI_MAX_TOKENS_FIELD must be max_tokens or max_completion_tokens, got '" + openAiMaxTokensField + "'");
      check(url(openAiBaseUrl), "OPENAI_BASE_URL must be an http(s) URL, got '" + openAiBaseUrl + "'");
      check(
          logBodyChars >= 0 && logBodyChars <= AgentRuntimeServer.BODY_LIMIT_BYTES,
          "LOG_BODY_CHARS must be between 0 and " + AgentRuntimeServer.BODY_LIMIT_BYTES + ", got " + logBodyChars);
      check(
          mcpServers.stream().map(McpServerSpec::name).distinct().count() == mcpServers.size(),
          "MCP_SERVERS: two servers share a name");
      return new RuntimeConfig(this);
    }

    private static boolean url(String value) {
      try {
        java.net.URI uri = java.net.URI.create(value);
        return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
