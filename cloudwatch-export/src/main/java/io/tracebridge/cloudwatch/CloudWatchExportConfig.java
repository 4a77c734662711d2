package io.tracebridge.cloudwatch;

import io.tracebridge.aws.TransportRetryPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.annotation.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Validated, immutable configuration of the CloudWatch export. Start from {@link #builder()};
 * {@link Builder#build()} rejects bad values with a message naming the option. Bootstrap code
 * reads the environment once with {@link #fromEnvironment(Map)}; nothing deeper reads it.
 *
 * <p>Region and credentials: when {@link #region()} is empty the AWS SDK's default region chain
 * decides at {@link CloudWatchExport#create}; credentials always come from the SDK's default chain
 * unless a provider is given (tests).
 */
public final class CloudWatchExportConfig {
  /** Where spans go. */
  public enum Traces {
    /** X-Ray segment documents through PutTraceSegments. */
    XRAY,
    /** OTLP/HTTP protobuf to the CloudWatch OTLP endpoint /v1/traces, SigV4 service xray. */
    OTLP,
    /** No trace export (logs and EMF only). */
    NONE
  }

  public static final String DEFAULT_LOG_GROUP = "/tracebridge/agents";
  public static final String DEFAULT_LOG_STREAM = "tracebridge";
  public static final String DEFAULT_EMF_NAMESPACE = "TraceBridge";
  /** {region} and {dnsSuffix} (the region's partition, e.g. amazonaws.com) are filled in. */
  public static final String DEFAULT_OTLP_ENDPOINT_TEMPLATE = "https://xray.{region}.{dnsSuffix}/v1/traces";
  public static final int DEFAULT_MAX_QUEUED_SPANS = 20_000;
  public static final int DEFAULT_WORKERS = 2;
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** Environment variable names read by {@link #fromEnvironment(Map)}. */
  public static final String ENV_PREFIX = "TRACEBRIDGE_CLOUDWATCH_";

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
  private static final Pattern LOG_GROUP = Pattern.compile("[._\\-/#A-Za-z0-9]{1,512}");
  private static final Pattern LOG_STREAM = Pattern.compile("[^:*]{1,512}");

  private final boolean enabled;
  private final Traces traces;
  private final boolean contentLogs;
  private final boolean spanContent;
  private final boolean emfMetrics;
  @Nullable private final String region;
  @Nullable private final URI xrayEndpoint;
  @Nullable private final URI logsEndpoint;
  @Nullable private final URI otlpTracesEndpoint;
  private final String otlpEndpointTemplate;
  private final boolean otlpGzip;
  private final String logGroup;
  private final String logStream;
  private final String emfNamespace;
  private final List<String> indexedAttributes;
  private final boolean validateTraceIdEpoch;
  private final int maxQueuedSpans;
  private final int workers;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration requestTimeout;
  private final Duration shutdownTimeout;
  @Nullable private final AwsCredentialsProvider credentialsProvider;

  private CloudWatchExportConfig(Builder b) {
    enabled = b.enabled;
    traces = b.traces;
    contentLogs = b.contentLogs;
    spanContent = b.spanContent;
    emfMetrics = b.emfMetrics;
    region = b.region;
    xrayEndpoint = b.xrayEndpoint;
    logsEndpoint = b.logsEndpoint;
    otlpTracesEndpoint = b.otlpTracesEndpoint;
    otlpEndpointTemplate = b.otlpEndpointTemplate;
    otlpGzip = b.otlpGzip;
    logGroup = b.logGroup;
    logStream = b.logStream;
    emfNamespace = b.emfNamespace;
    indexedAttributes = List.copyOf(b.indexedAttributes);
    validateTraceIdEpoch = b.validateTraceIdEpoch;
    maxQueuedSpans = b.maxQueuedSpans;
    workers = b.workers;
    maxAttempts = b.maxAttempts;
    initialBackoff = b.initialBackoff;
    maxBackoff = b.maxBackoff;
    requestTimeout = b.requestTimeout;
    shutdownTimeout = b.shutdownTimeout;
    credentialsProvider = b.credentialsProvider;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Reads {@code TRACEBRIDGE_CLOUDWATCH_*} variables (see the module README for the list); the
   * region falls back to {@code AWS_REGION}, then {@code AWS_DEFAULT_REGION}, then the SDK chain.
   * Export is off unless {@code TRACEBRIDGE_CLOUDWATCH_ENABLED=true}.
   *
   * @throws IllegalArgumentException naming the variable whose value is invalid
   */
  public static CloudWatchExportConfig fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    b.enabled(bool(env, "ENABLED", false));
    env(env, "TRACES").ifPresent(v -> {
      try {
        b.traces(Traces.valueOf(v.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENV_PREFIX + "TRACES must be xray, otlp or none: " + v, e);
      }
    });
    b.contentLogs(bool(env, "CONTENT_LOGS", true));
    b.spanContent(bool(env, "SPAN_CONTENT", true));
    b.emfMetrics(bool(env, "EMF", true));
    Optional<String> region = env(env, "REGION")
        .or(() -> Optional.ofNullable(env.get("AWS_REGION")).filter(s -> !s.isBlank()))
        .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(s -> !s.isBlank()));
    region.ifPresent(b::region);
    env(env, "XRAY_ENDPOINT").ifPresent(v -> b.xrayEndpoint(uri(ENV_PREFIX + "XRAY_ENDPOINT", v)));
    env(env, "LOGS_ENDPOINT").ifPresent(v -> b.logsEndpoint(uri(ENV_PREFIX + "LOGS_ENDPOINT", v)));
    env(env, "OTLP_TRACES_ENDPOINT").ifPresent(v -> b.otlpTracesEndpoint(uri(ENV_PREFIX + "OTLP_TRACES_ENDPOINT", v)));
    env(env, "OTLP_ENDPOINT_TEMPLATE").ifPresent(b::otlpEndpointTemplate);
    b.otlpGzip(bool(env, "OTLP_GZIP", true));
    env(env, "LOG_GROUP").ifPresent(b::logGroup);
    env(env, "LOG_STREAM").ifPresent(b::logStream);
    env(env, "EMF_NAMESPACE").ifPresent(b::emfNamespace);
    env(env, "INDEXED_ATTRIBUTES").ifPresent(v ->
        b.indexedAttributes(Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()));
    b.validateTraceIdEpoch(bool(env, "VALIDATE_TRACE_ID_EPOCH", false));
    env(env, "MAX_QUEUED_SPANS").ifPresent(v -> b.maxQueuedSpans(integer("MAX_QUEUED_SPANS", v)));
    env(env, "WORKERS").ifPresent(v -> b.workers(integer("WORKERS", v)));
    env(env, "MAX_ATTEMPTS").ifPresent(v -> b.maxAttempts(integer("MAX_ATTEMPTS", v)));
    return b.build();
  }

  private static Optional<String> env(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(ENV_PREFIX + name)).filter(s -> !s.isBlank());
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    Optional<String> value = env(env, name);
    if (value.isEmpty()) {
      return fallback;
    }
    switch (value.get().trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(ENV_PREFIX + name + " must be true or false: " + value.get());
    }
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(ENV_PREFIX + name + " must be an integer: " + value, e);
    }
  }

  private static URI uri(String option, String value) {
    try {
      return new URI(value.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(option + " is not a URI: " + value, e);
    }
  }

  public boolean enabled() {
    return enabled;
  }

  public Traces traces() {
    return traces;
  }

  public boolean contentLogs() {
    return contentLogs;
  }

  /**
   * Whether GenAI content (prompts, completions, reasoning, tool inputs and outputs) stays in the
   * spans sent to X-Ray and to the OTLP endpoint. When false it is removed first ({@link
   * io.tracebridge.cloudwatch.internal.ContentAttributes} decides what is content) and the span
   * is marked; the content log events ({@link #contentLogs()}) are not affected.
   */
  public boolean spanContent() {
    return spanContent;
  }

  public boolean emfMetrics() {
    return emfMetrics;
  }

  /** True when anything goes to CloudWatch Logs (content or EMF). */
  public boolean logsEnabled() {
    return contentLogs || emfMetrics;
  }

  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  public Optional<URI> xrayEndpoint() {
    return Optional.ofNullable(xrayEndpoint);
  }

  public Optional<URI> logsEndpoint() {
    return Optional.ofNullable(logsEndpoint);
  }

  public Optional<URI> otlpTracesEndpoint() {
    return Optional.ofNullable(otlpTracesEndpoint);
  }

  public String otlpEndpointTemplate() {
    return otlpEndpointTemplate;
  }

  /** The OTLP traces endpoint: the override, else the template filled in. */
  public URI otlpTracesEndpoint(String resolvedRegion, String dnsSuffix) {
    if (otlpTracesEndpoint != null) {
      return otlpTracesEndpoint;
    }
    return URI.create(otlpEndpointTemplate.replace("{region}", resolvedRegion).replace("{dnsSuffix}", dnsSuffix));
  }

  public boolean otlpGzip() {
    return otlpGzip;
  }

  public String logGroup() {
    return logGroup;
  }

  public String logStream() {
    return logStream;
  }

  public String emfNamespace() {
    return emfNamespace;
  }

  public List<String> indexedAttributes() {
    return indexedAttributes;
  }

  public boolean validateTraceIdEpoch() {
    return validateTraceIdEpoch;
  }

  public int maxQueuedSpans() {
    return maxQueuedSpans;
  }

  public int workers() {
    return workers;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * {@link #maxAttempts()}, {@link #initialBackoff()} and {@link #maxBackoff()} as aws-support's
   * one policy: the SDK's standard retry strategy of the X-Ray and Logs clients, the OTLP sender's
   * retries and the rounds that resend unprocessed segments.
   */
  public TransportRetryPolicy retryPolicy() {
    return new TransportRetryPolicy(maxAttempts, initialBackoff, maxBackoff);
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public Optional<AwsCredentialsProvider> credentialsProvider() {
    return Optional.ofNullable(credentialsProvider);
  }

  /** The effective configuration; the credentials provider is named, never printed. */
  @Override
  public String toString() {
    return "CloudWatchExportConfig{enabled=" + enabled + ", traces=" + traces + ", contentLogs=" + contentLogs
        + ", spanContent=" + spanContent + ", emfMetrics=" + emfMetrics
        + ", region=" + (region == null ? "<sdk default chain>" : region)
        + ", xrayEndpoint=" + xrayEndpoint + ", logsEndpoint=" + logsEndpoint
        + ", otlpTracesEndpoint=" + (otlpTracesEndpoint == null ? otlpEndpointTemplate : otlpTracesEndpoint)
        + ", otlpGzip=" + otlpGzip + ", logGroup=" + logGroup + ", logStream=" + logStream
        + ", emfNamespace=" + emfNamespace + ", indexedAttributes=" + indexedAttributes
        + ", validateTraceIdEpoch=" + validateTraceIdEpoch + ", maxQueuedSpans=" + maxQueuedSpans
        + ", workers=" + workers + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff + ", requestTimeout=" + requestTimeout
        + ", shutdownTimeout=" + shutdownTimeout + ", credentials="
        + (credentialsProvider == null ? "<sdk default chain>" : credentialsProvider.getClass().getSimpleName()) + "}";
  }

  /** Builder; every setter checks its argument at once, {@link #build()} checks combinations. */
  public static final class Builder {
    private boolean enabled = true;
    private Traces traces = Traces.XRAY;
    private boolean contentLogs = true;
    private boolean spanContent = true;
    private boolean emfMetrics = true;
    @Nullable private String region;
    @Nullable private URI xrayEndpoint;
    @Nullable private URI logsEndpoint;
    @Nullable private URI otlpTracesEndpoint;
    private String otlpEndpointTemplate = DEFAULT_OTLP_ENDPOINT_TEMPLATE;
    private boolean otlpGzip = true;
    private String logGroup = DEFAULT_LOG_GROUP;
    private String logStream = DEFAULT_LOG_STREAM;
    private String emfNamespace = DEFAULT_EMF_NAMESPACE;
    private List<String> indexedAttributes = List.of();
    private boolean validateTraceIdEpoch;
    private int maxQueuedSpans = DEFAULT_MAX_QUEUED_SPANS;
    private int workers = DEFAULT_WORKERS;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    @Nullable private AwsCredentialsProvider credentialsProvider;

    private Builder() {}

    private Builder(CloudWatchExportConfig c) {
      enabled = c.enabled;
      traces = c.traces;
      contentLogs = c.contentLogs;
      spanContent = c.spanContent;
      emfMetrics = c.emfMetrics;
      region = c.region;
      xrayEndpoint = c.xrayEndpoint;
      logsEndpoint = c.logsEndpoint;
      otlpTracesEndpoint = c.otlpTracesEndpoint;
      otlpEndpointTemplate = c.otlpEndpointTemplate;
      otlpGzip = c.otlpGzip;
      logGroup = c.logGroup;
      logStream = c.logStream;
      emfNamespace = c.emfNamespace;
      indexedAttributes = c.indexedAttributes;
      validateTraceIdEpoch = c.validateTraceIdEpoch;
      maxQueuedSpans = c.maxQueuedSpans;
      workers = c.workers;
      maxAttempts = c.maxAttempts;
      initialBackoff = c.initialBackoff;
      maxBackoff = c.maxBackoff;
      requestTimeout = c.requestTimeout;
      shutdownTimeout = c.shutdownTimeout;
      credentialsProvider = c.credentialsProvider;
    }

    public Builder enabled(boolean value) {
      enabled = value;
      return this;
    }

    public Builder traces(Traces value) {
      traces = Objects.requireNonNull(value, "traces");
      return this;
    }

    public Builder contentLogs(boolean value) {
      contentLogs = value;
      return this;
    }

    /**
     * False removes GenAI content from the spans sent to X-Ray and to the OTLP endpoint (default
     * true: sent as received). Independent of {@link #contentLogs(boolean)}.
     */
    public Builder spanContent(boolean value) {
      spanContent = value;
      return this;
    }

    public Builder emfMetrics(boolean value) {
      emfMetrics = value;
      return this;
    }

    /** An AWS region such as {@code us-east-1}; unset means the SDK's default region chain. */
    public Builder region(String value) {
      Objects.requireNonNull(value, "region");
      check(REGION.matcher(value).matches(), "region must look like us-east-1: " + value);
      region = value;
      return this;
    }

    /** Overrides the X-Ray API endpoint (tests, VPC endpoints). */
    public Builder xrayEndpoint(URI value) {
      xrayEndpoint = endpoint("xrayEndpoint", value);
      return this;
    }

    /** Overrides the CloudWatch Logs API endpoint. */
    public Builder logsEndpoint(URI value) {
      logsEndpoint = endpoint("logsEndpoint", value);
      return this;
    }

    /** Overrides the whole OTLP traces URL (path included). */
    public Builder otlpTracesEndpoint(URI value) {
      otlpTracesEndpoint = endpoint("otlpTracesEndpoint", value);
      return this;
    }

    /** The OTLP URL template; must contain {@code {region}}; {@code {dnsSuffix}} is optional. */
    public Builder otlpEndpointTemplate(String value) {
      Objects.requireNonNull(value, "otlpEndpointTemplate");
      check(value.contains("{region}"), "otlpEndpointTemplate must contain {region}: " + value);
      endpoint("otlpEndpointTemplate", URI.create(value.replace("{region}", "r").replace("{dnsSuffix}", "d")));
      otlpEndpointTemplate = value;
      return this;
    }

    public Builder otlpGzip(boolean value) {
      otlpGzip = value;
      return this;
    }

    public Builder logGroup(String value) {
      Objects.requireNonNull(value, "logGroup");
      check(LOG_GROUP.matcher(value).matches(), "logGroup must be 1-512 of [.-_/#A-Za-z0-9]: " + value);
      check(!value.startsWith("aws/"), "logGroup must not start with aws/ (reserved): " + value);
      logGroup = value;
      return this;
    }

    public Builder logStream(String value) {
      Objects.requireNonNull(value, "logStream");
      check(LOG_STREAM.matcher(value).matches(), "logStream must be 1-512 characters without ':' or '*': " + value);
      logStream = value;
      return this;
    }

    public Builder emfNamespace(String value) {
      Objects.requireNonNull(value, "emfNamespace");
      check(!value.isBlank() && value.length() <= 255, "emfNamespace must be 1-255 characters: " + value);
      check(!value.startsWith("AWS/"), "emfNamespace must not start with AWS/ (reserved): " + value);
      emfNamespace = value;
      return this;
    }

    /** Attribute keys to annotate in X-Ray besides the built-in searchable GenAI keys. */
    public Builder indexedAttributes(List<String> value) {
      Objects.requireNonNull(value, "indexedAttributes");
      value.forEach(k -> check(k != null && !k.isBlank(), "indexedAttributes must not hold blank keys"));
      indexedAttributes = List.copyOf(value);
      return this;
    }

    public Builder validateTraceIdEpoch(boolean value) {
      validateTraceIdEpoch = value;
      return this;
    }

    public Builder maxQueuedSpans(int value) {
      check(value > 0, "maxQueuedSpans must be positive: " + value);
      maxQueuedSpans = value;
      return this;
    }

    public Builder workers(int value) {
      check(value > 0 && value <= 64, "workers must be 1..64: " + value);
      workers = value;
      return this;
    }

    public Builder maxAttempts(int value) {
      check(value >= 1 && value <= 20, "maxAttempts must be 1..20: " + value);
      maxAttempts = value;
      return this;
    }

    public Builder initialBackoff(Duration value) {
      check(value != null && !value.isNegative(), "initialBackoff must be >= 0");
      initialBackoff = value;
      return this;
    }

    public Builder maxBackoff(Duration value) {
      check(value != null && !value.isNegative(), "maxBackoff must be >= 0");
      maxBackoff = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      check(value != null && !value.isNegative() && !value.isZero(), "requestTimeout must be positive");
      requestTimeout = value;
      return this;
    }

    public Builder shutdownTimeout(Duration value) {
      check(value != null && !value.isNegative(), "shutdownTimeout must be >= 0");
      shutdownTimeout = value;
      return this;
    }

    /** Credentials other than the SDK default chain (tests, or an assumed role). */
    public Builder credentialsProvider(AwsCredentialsProvider value) {
      credentialsProvider = Objects.requireNonNull(value, "credentialsProvider");
      return this;
    }

    public CloudWatchExportConfig build() {
      check(maxBackoff.compareTo(initialBackoff) >= 0, "maxBackoff must be >= initialBackoff");
      return new CloudWatchExportConfig(this);
    }

    private static URI endpoint(String option, URI value) {
      Objects.requireNonNull(value, option);
      String scheme = value.getScheme();
      check(("http".equals(scheme) || "https".equals(scheme)) && value.getHost() != null,
          option + " must be an absolute http(s) URL: " + value);
      return value;
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
