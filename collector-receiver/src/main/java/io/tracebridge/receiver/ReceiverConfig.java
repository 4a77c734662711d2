package io.tracebridge.receiver;

import io.tracebridge.http.GuardLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Validated, immutable configuration of the OTLP receivers (gRPC and HTTP). Build with {@link
 * #builder()}; {@link Builder#build()} rejects bad values with a message naming the option.
 *
 * <p>Tenancy is not configured here: the transports take a {@code TenantAuthenticator}
 * (embedded mode: {@code TenantAuthenticator.singleTenant(DEFAULT_TENANT)}).
 */
public final class ReceiverConfig {
  /** The OTLP gRPC port (OTLP specification default). */
  public static final int DEFAULT_GRPC_PORT = 4317;
  /** The OTLP HTTP port (OTLP specification default). */
  public static final int DEFAULT_HTTP_PORT = 4318;
  /** Loopback by default: the embedded product should not listen on every interface. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /**
   * Largest request accepted, on either transport (for HTTP: before and after gzip). grpc-java's
   * default is 4 MiB, too small for batches of LLM spans carrying whole prompts; 16 MiB still
   * keeps one request far below the heap.
   */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;
  /**
   * The most exports (both transports, both signals) being decoded, mapped or stored at once;
   * beyond the bound in force (this, or lower while the store is slow) a sender is told to retry
   * later. Request memory is bounded apart, by {@link #DEFAULT_MAX_BYTES_IN_FLIGHT}.
   */
  public static final int DEFAULT_MAX_EXPORTS_IN_FLIGHT = 64;
  /**
   * Request bytes held at once (bodies being read, decoded, mapped or stored), both transports:
   * the memory bound of ingest. Four maximal requests, or thousands of ordinary batches.
   */
  public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 4L * DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
  /**
   * The store latency an export should see: while exports take longer, fewer are admitted at once
   * (down to one) and the rest are refused at once with retry advice; while they are faster, the
   * bound grows back to {@link #DEFAULT_MAX_EXPORTS_IN_FLIGHT}. Well under the OTel SDKs' 10 s
   * export time-out, so an admitted export is answered before its sender gives up.
   */
  public static final Duration DEFAULT_STORE_LATENCY_TARGET = Duration.ofSeconds(2);
  /**
   * Server keep-alive pings on an idle gRPC connection, to find peers that are gone (grpc-java's
   * default is 2 h).
   */
  public static final Duration DEFAULT_GRPC_KEEP_ALIVE_TIME = Duration.ofSeconds(60);
  /** The most often a gRPC client may ping; more often and the connection is closed. */
  public static final Duration DEFAULT_GRPC_PERMIT_KEEP_ALIVE_TIME = Duration.ofSeconds(20);
  /** The retry delay advised to a sender that was turned away (RetryInfo / Retry-After). */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  /** The tenant of the embedded mode, which needs no keys. */
  public static final String DEFAULT_TENANT = io.tracebridge.store.TenantAuthenticator.DEFAULT_TENANT;

  private final String host;
  private final int grpcPort;
  private final int httpPort;
  private final int maxInboundMessageBytes;
  private final int maxExportsInFlight;
  private final Duration retryAfter;
  private final long maxBytesInFlight;
  private final Duration storeLatencyTarget;
  private final GuardLimits connectionLimits;
  private final Duration grpcKeepAliveTime;
  private final Duration grpcPermitKeepAliveTime;

  private ReceiverConfig(Builder b) {
    this.host = b.host;
    this.grpcPort = b.grpcPort;
    this.httpPort = b.httpPort;
    this.maxInboundMessageBytes = b.maxInboundMessageBytes;
    this.maxExportsInFlight = b.maxExportsInFlight;
    this.retryAfter = b.retryAfter;
    this.maxBytesInFlight = b.maxBytesInFlight;
    this.storeLatencyTarget = b.storeLatencyTarget;
    this.connectionLimits = b.connectionLimits;
    this.grpcKeepAliveTime = b.grpcKeepAliveTime;
    this.grpcPermitKeepAliveTime = b.grpcPermitKeepAliveTime;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configuration with every option at its default. */
  public static ReceiverConfig defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    return builder()
        .host(host)
        .grpcPort(grpcPort)
        .httpPort(httpPort)
        .maxInboundMessageBytes(maxInboundMessageBytes)
        .maxExportsInFlight(maxExportsInFlight)
        .retryAfter(retryAfter)
        .maxBytesInFlight(maxBytesInFlight)
        .storeLatencyTarget(storeLatencyTarget)
        .connectionLimits(connectionLimits)
        .grpcKeepAliveTime(grpcKeepAliveTime)
        .grpcPermitKeepAliveTime(grpcPermitKeepAliveTime);
  }

  /** The interface both servers bind. */
  public String host() {
    return host;
  }

  /** The gRPC port; 0 asks the OS for a free one. */
  public int grpcPort() {
    return grpcPort;
  }

  /** The HTTP port; 0 asks the OS for a free one. */
  public int httpPort() {
    return httpPort;
  }

  /** Largest request accepted (gRPC message; HTTP body, compressed and uncompressed). */
  public int maxInboundMessageBytes() {
    return maxInboundMessageBytes;
  }

  /**
   * The most exports handled at once across both transports; more are turned away with retry
   * advice. The bound in force is lower while the store is slower than {@link
   * #storeLatencyTarget()}.
   */
  public int maxExportsInFlight() {
    return maxExportsInFlight;
  }

  /** The delay advised to a sender that was turned away. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Request bytes held at once across both transports; beyond, requests are turned away. */
  public long maxBytesInFlight() {
    return maxBytesInFlight;
  }

  /** The store latency above which fewer exports are admitted at once. */
  public Duration storeLatencyTarget() {
    return storeLatencyTarget;
  }

  /**
   * Slow and idle connections, both transports. HTTP: all of {@link GuardLimits} (applied by
   * {@code HttpGuard}). gRPC: {@code headerTimeout} bounds the HTTP/2 handshake, {@code
   * bodyTimeout} the time from a call's start to its whole request message, {@code idleTimeout}
   * a connection without calls ({@code maxConnectionIdle}).
   */
  public GuardLimits connectionLimits() {
    return connectionLimits;
  }

  /** How long a gRPC connection may be silent before the server pings it. */
  public Duration grpcKeepAliveTime() {
    return grpcKeepAliveTime;
  }

  /** The shortest interval at which a gRPC client may send keep-alive pings. */
  public Duration grpcPermitKeepAliveTime() {
    return grpcPermitKeepAliveTime;
  }

  @Override
  public String toString() {
    return "ReceiverConfig{host=" + host + ", grpcPort=" + grpcPort + ", httpPort=" + httpPort
        + ", maxInboundMessageBytes=" + maxInboundMessageBytes
        + ", maxExportsInFlight=" + maxExportsInFlight + ", retryAfter=" + retryAfter
        + ", maxBytesInFlight=" + maxBytesInFlight + ", storeLatencyTarget=" + storeLatencyTarget
        + ", connectionLimits=" + connectionLimits + ", grpcKeepAliveTime=" + grpcKeepAliveTime
        + ", grpcPermitKeepAliveTime=" + grpcPermitKeepAliveTime + "}";
  }

  /** Builder with the defaults above. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int grpcPort = DEFAULT_GRPC_PORT;
    private int httpPort = DEFAULT_HTTP_PORT;
    private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    private int maxExportsInFlight = DEFAULT_MAX_EXPORTS_IN_FLIGHT;
    private Duration retryAfter = DEFAULT_RETRY_AFTER;
    private long maxBytesInFlight = DEFAULT_MAX_BYTES_IN_FLIGHT;
    private Duration storeLatencyTarget = DEFAULT_STORE_LATENCY_TARGET;
    private GuardLimits connectionLimits = GuardLimits.defaults();
    private Duration grpcKeepAliveTime = DEFAULT_GRPC_KEEP_ALIVE_TIME;
    private Duration grpcPermitKeepAliveTime = DEFAULT_GRPC_PERMIT_KEEP_ALIVE_TIME;

    private Builder() {}

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "receiver.host");
      return this;
    }

    public Builder grpcPort(int grpcPort) {
      this.grpcPort = grpcPort;
      return this;
    }

    public Builder httpPort(int httpPort) {
      this.httpPort = httpPort;
      return this;
    }

    public Builder maxInboundMessageBytes(int maxInboundMessageBytes) {
      this.maxInboundMessageBytes = maxInboundMessageBytes;
      return this;
    }

    public Builder maxExportsInFlight(int maxExportsInFlight) {
      this.maxExportsInFlight = maxExportsInFlight;
      return this;
    }

    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = Objects.requireNonNull(retryAfter, "receiver.retryAfter");
      return this;
    }

    public Builder maxBytesInFlight(long maxBytesInFlight) {
      this.maxBytesInFlight = maxBytesInFlight;
      return this;
    }

    public Builder storeLatencyTarget(Duration storeLatencyTarget) {
      this.storeLatencyTarget =
          Objects.requireNonNull(storeLatencyTarget, "receiver.storeLatencyTarget");
      return this;
    }

    public Builder connectionLimits(GuardLimits connectionLimits) {
      this.connectionLimits = Objects.requireNonNull(connectionLimits, "receiver.connectionLimits");
      return this;
    }

    public Builder grpcKeepAliveTime(Duration grpcKeepAliveTime) {
      this.grpcKeepAliveTime = Objects.requireNonNull(grpcKeepAliveTime, "receiver.grpcKeepAliveTime");
      return this;
    }

    public Builder grpcPermitKeepAliveTime(Duration grpcPermitKeepAliveTime) {
      this.grpcPermitKeepAliveTime =
          Objects.requireNonNull(grpcPermitKeepAliveTime, "receiver.grpcPermitKeepAliveTime");
      return this;
    }

    public ReceiverConfig build() {
      checkPort("receiver.grpcPort", grpcPort);
      checkPort("receiver.httpPort", httpPort);
      if (grpcPort == httpPort && grpcPort != 0) {
        throw new IllegalArgumentException(
            "receiver.grpcPort and receiver.httpPort must differ, both were " + grpcPort);
      }
      if (maxInboundMessageBytes < 1024) {
        throw new IllegalArgumentException(
            "receiver.maxInboundMessageBytes must be at least 1024, was " + maxInboundMessageBytes);
      }
      if (maxExportsInFlight < 1) {
        throw new IllegalArgumentException(
            "receiver.maxExportsInFlight must be at least 1, was " + maxExportsInFlight);
      }
      checkPositive("receiver.retryAfter", retryAfter);
      checkPositive("receiver.storeLatencyTarget", storeLatencyTarget);
      checkPositive("receiver.grpcKeepAliveTime", grpcKeepAliveTime);
      checkPositive("receiver.grpcPermitKeepAliveTime", grpcPermitKeepAliveTime);
      if (maxBytesInFlight < maxInboundMessageBytes) {
        throw new IllegalArgumentException("receiver.maxBytesInFlight must be at least "
            + "receiver.maxInboundMessageBytes (" + maxInboundMessageBytes + "), was "
            + maxBytesInFlight);
      }
      if (host.isBlank()) {
        throw new IllegalArgumentException("receiver.host must not be blank");
      }
      return new ReceiverConfig(this);
    }

    private static void checkPositive(String key, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(key + " must be positive, was " + value);
      }
    }

    private static void checkPort(String key, int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(key + " must be 0..65535, was " + port);
      }
    }
  }
}
