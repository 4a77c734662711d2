package io.tracebridge.web;

import java.util.Objects;

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

  private final String host;
  private final int port;
  private final String defaultTenant;
  private final int maxPendingRecords;

  private WebConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.defaultTenant = b.defaultTenant;
    this.maxPendingRecords = b.maxPendingRecords;
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
        + ", maxPendingRecords=" + maxPendingRecords + "}";
  }

  /** Builder with the defaults above. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String defaultTenant = DEFAULT_TENANT;
    private int maxPendingRecords = DEFAULT_MAX_PENDING_RECORDS;

    private Builder() {}

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
      if (host.isBlank() || defaultTenant.isBlank()) {
        throw new IllegalArgumentException("web.host and web.defaultTenant must not be blank");
      }
      return new WebConfig(this);
    }
  }
}
