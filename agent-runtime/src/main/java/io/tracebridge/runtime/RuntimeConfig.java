package io.tracebridge.runtime;

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
 *   <tr><td>MODEL_ID</td><td>scripted</td></tr>
 *   <tr><td>AWS_REGION (or AWS_DEFAULT_REGION)</td><td>us-east-1</td></tr>
 *   <tr><td>MAX_TOKENS</td><td>4096</td></tr>
 *   <tr><td>MAX_ITERATIONS</td><td>10</td></tr>
 *   <tr><td>SYSTEM_PROMPT</td><td>none</td></tr>
 *   <tr><td>AGENT_NAME</td><td>tracebridge-agent</td></tr>
 * </table>
 */
public final class RuntimeConfig {
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_MODEL_ID = "scripted";
  public static final String DEFAULT_REGION = "us-east-1";
  public static final int DEFAULT_MAX_TOKENS = 4096;
  public static final int DEFAULT_MAX_ITERATIONS = 10;
  public static final String DEFAULT_AGENT_NAME = "tracebridge-agent";
  /** Upper bound of MAX_ITERATIONS, a guard against runaway loops. */
  public static final int MAX_MAX_ITERATIONS = 1_000;

  private final int port;
  private final String modelId;
  private final String region;
  private final int maxTokens;
  private final int maxIterations;
  private final @Nullable String systemPrompt;
  private final String agentName;

  private RuntimeConfig(Builder b) {
    this.port = b.port;
    this.modelId = b.modelId;
    this.region = b.region;
    this.maxTokens = b.maxTokens;
    this.maxIterations = b.maxIterations;
    this.systemPrompt = b.systemPrompt;
    this.agentName = b.agentName;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return builder()
        .port(port)
        .modelId(modelId)
        .region(region)
        .maxTokens(maxTokens)
        .maxIterations(maxIterations)
        .systemPrompt(systemPrompt)
        .agentName(agentName);
  }

  /**
   * Reads the keys above from {@code env}; absent or blank keys keep their default.
   *
   * @throws IllegalArgumentException naming the key when a value is not a number or out of range
   */
  public static RuntimeConfig fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    String v;
    if ((v = value(env, "PORT")) != null) {
      b.port(integer("PORT", v));
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
    if ((v = value(env, "MAX_ITERATIONS")) != null) {
      b.maxIterations(integer("MAX_ITERATIONS", v));
    }
    b.systemPrompt(value(env, "SYSTEM_PROMPT"));
    if ((v = value(env, "AGENT_NAME")) != null) {
      b.agentName(v);
    }
    return b.build();
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

  public @Nullable String systemPrompt() {
    return systemPrompt;
  }

  public String agentName() {
    return agentName;
  }

  /** The configuration with the system prompt shown by length only. */
  @Override
  public String toString() {
    return "RuntimeConfig{port=" + port
        + ", modelId=" + modelId
        + ", region=" + region
        + ", maxTokens=" + maxTokens
        + ", maxIterations=" + maxIterations
        + ", systemPrompt=" + (systemPrompt == null ? "none" : "<" + systemPrompt.length() + " chars>")
        + ", agentName=" + agentName + "}";
  }

  /** Builds a {@link RuntimeConfig}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private String modelId = DEFAULT_MODEL_ID;
    private String region = DEFAULT_REGION;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private int maxIterations = DEFAULT_MAX_ITERATIONS;
    private @Nullable String systemPrompt;
    private String agentName = DEFAULT_AGENT_NAME;

    private Builder() {}

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
      check(!modelId.isBlank(), "MODEL_ID must not be blank");
      check(!region.isBlank(), "AWS_REGION must not be blank");
      check(maxTokens >= 1, "MAX_TOKENS must be >= 1, got " + maxTokens);
      check(
          maxIterations >= 1 && maxIterations <= MAX_MAX_ITERATIONS,
          "MAX_ITERATIONS must be between 1 and " + MAX_MAX_ITERATIONS + ", got " + maxIterations);
      check(!agentName.isBlank(), "AGENT_NAME must not be blank");
      return new RuntimeConfig(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
