package io.tracebridge.receiver;

import java.util.Objects;

/**
 * Validated configuration of the OTLP receiver. Build with {@link #builder()}; {@link
 * Builder#build()} rejects bad values with a message naming the option.
 */
public final class ReceiverConfig {
  /** The OTLP gRPC port (OTLP specification default). */
  public static final int DEFAULT_GRPC_PORT = 4317;
  /** Loopback by default: the embedded product should not listen on every interface. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /**
   * grpc-java's default is 4 MiB, too small for batches of LLM spans carrying whole prompts; 16
   * MiB still keeps one request far below the heap.
   */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;
  /** The tenant of requests that carry no credentials (the embedded mode's only tenant). */
  public static final String DEFAULT_TENANT = "default";

  private final String host;
  private final int grpcPort;
  private final int maxInboundMessageBytes;
  private final String defaultTenant;

  private ReceiverConfig(Builder b) {
    this.host = b.host;
    this.grpcPort = b.grpcPort;
    this.maxInboundMessageBytes = b.maxInboundMessageBytes;
    this.defaultTenant = b.defaultTenant;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String host() {
    return host;
  }

  /** The gRPC port; 0 asks the OS for a free one. */
  public int grpcPort() {
    return grpcPort;
  }

  public int maxInboundMessageBytes() {
    return maxInboundMessageBytes;
  }

  public String defaultTenant() {
    return defaultTenant;
  }

  @Override
  public String toString() {
    return "ReceiverConfig{host=" + host + ", grpcPort=" + grpcPort
        + ", maxInboundMessageBytes=" + maxInboundMessageBytes
        + ", defaultTenant=" + defaultTenant + "}";
  }

  /** Builder with the defaults above. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int grpcPort = DEFAULT_GRPC_PORT;
    private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    private String defaultTenant = DEFAULT_TENANT;

    private Builder() {}

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "receiver.host");
      return this;
    }

    public Builder grpcPort(int grpcPort) {
      this.grpcPort = grpcPort;
      return this;
    }

    public Builder maxInboundMessageBytes(int maxInboundMessageBytes) {
      this.maxInboundMessageBytes = maxInboundMessageBytes;
      return this;
    }

    public Builder defaultTenant(String defaultTenant) {
      this.defaultTenant = Objects.requireNonNull(defaultTenant, "receiver.defaultTenant");
      return this;
    }

    public ReceiverConfig build() {
      if (grpcPort < 0 || grpcPort > 65_535) {
        throw new IllegalArgumentException("receiver.grpcPort must be 0..65535, was " + grpcPort);
      }
      if (maxInboundMessageBytes < 1024) {
        throw new IllegalArgumentException(
            "receiver.maxInboundMessageBytes must be at least 1024, was " + maxInboundMessageBytes);
      }
      if (host.isBlank()) {
        throw new IllegalArgumentException("receiver.host must not be blank");
      }
      if (defaultTenant.isBlank()) {
        throw new IllegalArgumentException("receiver.defaultTenant must not be blank");
      }
      return new ReceiverConfig(this);
    }
  }
}
