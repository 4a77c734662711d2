package io.tracebridge.web;

import io.tracebridge.billing.PriceTable;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.http.GuardLimits;
import java.time.Duration;
import java.util.Objects;
import javax.annotation.Nullable;

/** Validated configuration of the web server; build with {@link #builder()}. */
public final class WebConfig {
  public static final int DEFAULT_PORT = 8090;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_TENANT = TenantAuthenticator.DEFAULT_TENANT;
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
  /** Subscriptions one websocket may hold: a viewer needs one; a dashboard a few dozen. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET = 100;
  /** Subscriptions one tenant may hold on one web node, all its sockets together. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_TENANT = 1_000;
  /**
   * Store reads for websocket subscriptions (stored phase and heartbeat catch-up) in flight on one
   * web node; the rest wait their turn here, so subscriptions never fill the store's own queue,
   * which exporters and REST share. Each socket also has at most one such read in flight.
   */
  public static final int DEFAULT_MAX_FEED_READS = 16;
  /**
   * How long a websocket closed by the server may take to answer the close before its TCP
   * connection is dropped: a client that stopped reading never would.
   */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Shortest cursor secret accepted: 128 bits of base64 or hex, more of a passphrase. */
  public static final int MIN_CURSOR_SECRET_CHARS = 16;

  private final String host;
  private final int port;
  private final String defaultTenant;
  private final int maxPendingRecords;
  private final TenantAuthenticator authenticator;
  private final Duration settleWindow;
  private final Duration heartbeatInterval;
  private final PriceTable prices;
  private final int maxSubscriptionsPerSocket;
  private final int maxSubscriptionsPerTenant;
  private final int maxFeedReads;
  private final Duration closeTimeout;
  private final GuardLimits connectionLimits;
  @Nullable private final String cursorSecret;
  @Nullable private final String metricsKey;
  private final boolean metricsOpen;

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
    this.maxSubscriptionsPerSocket = b.maxSubscriptionsPerSocket;
    this.maxSubscriptionsPerTenant = b.maxSubscriptionsPerTenant;
    this.maxFeedReads = b.maxFeedReads;
    this.closeTimeout = b.closeTimeout;
    this.connectionLimits = b.connectionLimits;
    this.cursorSecret = b.cursorSecret;
    this.metricsKey = b.metricsKey;
    this.metricsOpen = b.authenticator == null;
  }

  public int maxSubscriptionsPerSocket() {
    return maxSubscriptionsPerSocket;
  }

  public int maxSubscriptionsPerTenant() {
    return maxSubscriptionsPerTenant;
  }

  public int maxFeedReads() {
    return maxFeedReads;
  }

  /**
   * Slow and idle connections and strict HTTP/1.1 framing on the web port (http-guard, as on the
   * OTLP/HTTP port). The web node raises the idle time-out to at least two heartbeats: every
   * websocket hears one each interval, so an open websocket is never taken for an idle connection.
   */
  public GuardLimits connectionLimits() {
    return connectionLimits;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** The secret cursors are sealed with; null: a random key per process (cursors node-local). */
  @Nullable
  public String cursorSecret() {
    return cursorSecret;
  }

  /** The bearer key {@code /metrics} asks for; null: see {@link #metricsOpen()}. */
  @Nullable
  public String metricsKey() {
    return metricsKey;
  }

  /**
   * Whether {@code /metrics} answers without a key when no {@link #metricsKey()} is set: only
   * without bearer keys (one tenant, e.g. {@code tracebridge up}); with keys it is then refused.
   */
  public boolean metricsOpen() {
    return metricsOpen;
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
        + ", prices=" + prices + ", maxSubscriptionsPerSocket=" + maxSubscriptionsPerSocket
        + ", maxSubscriptionsPerTenant=" + maxSubscriptionsPerTenant + ", maxFeedReads=" + maxFeedReads
        + ", closeTimeout=" + closeTimeout + ", cursorSecret=" + (cursorSecret == null ? "(random)" : "****")
        + ", metricsKey=" + (metricsKey == null ? "(none)" : "****") + "}";
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
    private int maxSubscriptionsPerSocket = DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET;
    private int maxSubscriptionsPerTenant = DEFAULT_MAX_SUBSCRIPTIONS_PER_TENANT;
    private int maxFeedReads = DEFAULT_MAX_FEED_READS;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private GuardLimits connectionLimits = GuardLimits.defaults();
    private String cursorSecret;
    private String metricsKey;

    private Builder() {}

    public Builder maxSubscriptionsPerSocket(int max) {
      this.maxSubscriptionsPerSocket = max;
      return this;
    }

    public Builder maxSubscriptionsPerTenant(int max) {
      this.maxSubscriptionsPerTenant = max;
      return this;
    }

    public Builder connectionLimits(GuardLimits connectionLimits) {
      this.connectionLimits = Objects.requireNonNull(connectionLimits, "web.connectionLimits");
      return this;
    }

    public Builder maxFeedReads(int max) {
      this.maxFeedReads = max;
      return this;
    }

    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = Objects.requireNonNull(closeTimeout, "web.closeTimeout");
      return this;
    }

    /** The same on every web node, so each accepts the others' cursors; null for a random one. */
    public Builder cursorSecret(@Nullable String cursorSecret) {
      this.cursorSecret = cursorSecret;
      return this;
    }

    /** The bearer key of {@code /metrics}; null: open without tenants' keys, refused with them. */
    public Builder metricsKey(@Nullable String metricsKey) {
      this.metricsKey = metricsKey;
      return this;
    }

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
      if (maxSubscriptionsPerSocket < 1 || maxSubscriptionsPerTenant < 1 || maxFeedReads < 1) {
        throw new IllegalArgumentException("web.maxSubscriptionsPerSocket, web.maxSubscriptionsPerTenant"
            + " and web.maxFeedReads must be positive");
      }
      if (closeTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("web.closeTimeout must be at least 1 ms, was " + closeTimeout);
      }
      if (cursorSecret != null && cursorSecret.length() < MIN_CURSOR_SECRET_CHARS) {
        throw new IllegalArgumentException(
            "web.cursorSecret must have at least " + MIN_CURSOR_SECRET_CHARS + " characters");
      }
      if (metricsKey != null && metricsKey.isBlank()) {
        throw new IllegalArgumentException("web.metricsKey must not be blank");
      }
      if (host.isBlank() || defaultTenant.isBlank()) {
        throw new IllegalArgumentException("web.host and web.defaultTenant must not be blank");
      }
      return new WebConfig(this);
    }
  }
}
