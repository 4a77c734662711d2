package io.tracebridge.web;

import io.tracebridge.billing.PriceTable;
import io.tracebridge.store.TenantAuthenticator;
import java.time.Duration;
import java.util.Objects;
import javax.annotation.Nullable;

/** Validated configuration of the web server; build with {@link #builder()}. */
public final class WebConfig {
  public static final int DEFAULT_PORT = 8090;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_TENANT = "default";
  /**
   * Records a subscription may hold while its stored records load, and websocket frames a slow
   * client may have queued, before it is told to resubscribe. Bounds server memory per client.
   */
  public static final int DEFAULT_MAX_PENDING_RECORDS = 10_000;
  /**
   * How old an ingest sequence must be before a websocket cursor treats everything up to it as
   * complete: covers the store's maxStampAge, clock skew between nodes and index lag.
   */
  public static final Duration DEFAULT_SETTLE_WINDOW = Duration.ofSeconds(10);
  /** Heartbeat frames, each with the subscription's cursor, and the catch-up read behind them. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

  private final String host;
  private final int port;
  private final String defaultTenant;
  private final int maxPendingRecords;
  private final TenantAuthenticator authenticator;
  private final Duration settleWindow;
  private final Duration heartbeatInterval;
  private final PriceTable prices;

  private WebConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.defaultTenant = b.defaultTenant;
    this.maxPendingRecords = b.maxPendingRecords;
    this.authenticator = b.authenticator != null
        ? b.authenticator : TenantAuthenticator.singleTenant(b.defaultTenant);
    this.settleWindow = b.settleWindow;
    this.heartbeatInterval = b.heartbeatInterval;
    this.prices = b.prices != null ? b.prices : PriceTable.bundled();
  }

  /** Maps bearer keys to tenants; by default every request acts for {@link #defaultTenant()}. */
  public TenantAuthenticator authenticator() {
    return authenticator;
  }

  public Duration settleWindow() {
    return settleWindow;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** The prices usage is costed with: the bundled table unless overridden. */
  public PriceTable prices() {
    return prices;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String host() {
    return host;
  }

  /** The HTTP port; 0 asks the OS for a free one. */
  public int port() {
    return port;
  }

  public String defaultTenant() {
    return defaultTenant;
  }

  public int maxPendingRecords() {
    return maxPendingRecords;
  }

  @Override
  public String toString() {
    return "WebConfig{host=" + host + ", port=" + port + ", defaultTenant=" + defaultTenant
        + ", maxPendingRecords=" + maxPendingRecords + ", authenticator=" + authenticator
        + ", settleWindow=" + settleWindow + ", heartbeatInterval=" + heartbeatInterval
        + ", prices=" + prices + "}";
  }

  /** Builder with the defaults above. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String defaultTenant = DEFAULT_TENANT;
    private int maxPendingRecords = DEFAULT_MAX_PENDING_RECORDS;
    private TenantAuthenticator authenticator;
    private Duration settleWindow = DEFAULT_SETTLE_WINDOW;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private PriceTable prices;

    private Builder() {}

    /** Bearer keys → tenants (e.g. {@code ApiKeyAuthenticator}); null for the default tenant only. */
    public Builder authenticator(@Nullable TenantAuthenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    public Builder settleWindow(Duration settleWindow) {
      this.settleWindow = Objects.requireNonNull(settleWindow, "web.settleWindow");
      return this;
    }

    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "web.heartbeatInterval");
      return this;
    }

    /** The price table (e.g. {@code PriceTable.fromFile}); null for the bundled one. */
    public Builder prices(@Nullable PriceTable prices) {
      this.prices = prices;
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "web.host");
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder defaultTenant(String defaultTenant) {
      this.defaultTenant = Objects.requireNonNull(defaultTenant, "web.defaultTenant");
      return this;
    }

    public Builder maxPendingRecords(int maxPendingRecords) {
      this.maxPendingRecords = maxPendingRecords;
      return this;
    }

    public WebConfig build() {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("web.port must be 0..65535, was " + port);
      }
      if (maxPendingRecords < 1) {
        throw new IllegalArgumentException(
            "web.maxPendingRecords must be positive, was " + maxPendingRecords);
      }
      if (settleWindow.isNegative() || heartbeatInterval.toMillis() < 10) {
        throw new IllegalArgumentException(
            "web.settleWindow must not be negative and web.heartbeatInterval at least 10 ms");
      }
      if (host.isBlank() || defaultTenant.isBlank()) {
        throw new IllegalArgumentException("web.host and web.defaultTenant must not be blank");
      }
      return new WebConfig(this);
    }
  }
}
