package io.tracebridge.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The time and size limits {@link HttpGuard} enforces on every connection of a server. Immutable;
 * the compact constructor rejects bad values with a message naming the setting.
 *
 * @param headerTimeout longest time from the first byte of a request to the end of its header
 *     block; a request still in its headers then is answered 408 and its connection closed
 * @param bodyTimeout longest time from the end of a request's headers to the end of its body; a
 *     body still arriving then has its connection closed
 * @param minBodyBytesPerSecond the slowest a body may arrive, measured over each {@code
 *     rateWindow} while it is being read (time the server itself paused reading is not counted); a
 *     slower body has its connection closed
 * @param rateWindow the window over which {@code minBodyBytesPerSecond} is measured: a sender gets
 *     this long to show its rate
 * @param idleTimeout a connection with no byte in either direction for this long is closed
 *     (keep-alive connections waiting for their next request included)
 * @param maxHeaderBytes the largest header block of a request (431 beyond)
 */
public record GuardLimits(
    Duration headerTimeout,
    Duration bodyTimeout,
    long minBodyBytesPerSecond,
    Duration rateWindow,
    Duration idleTimeout,
    int maxHeaderBytes) {
  /** Generous for any real client: a header block is one or two TCP segments. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  /** A 16 MiB body at the minimum rate would need longer; real senders are far faster. */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
  /** 4 KiB/s: a trickle that only a stalled or hostile client stays under for a whole window. */
  public static final long DEFAULT_MIN_BODY_BYTES_PER_SECOND = 4096;
  /** Long enough to ride out a stall of the network, short enough to free the slot soon. */
  public static final Duration DEFAULT_RATE_WINDOW = Duration.ofSeconds(5);
  /** Keep-alive connections of OTLP exporters and browsers are reused well within a minute. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** Netty's and Vert.x's default header limit. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 8192;

  public GuardLimits {
    positive("headerTimeout", headerTimeout);
    positive("bodyTimeout", bodyTimeout);
    positive("rateWindow", rateWindow);
    positive("idleTimeout", idleTimeout);
    if (minBodyBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "minBodyBytesPerSecond must not be negative, was " + minBodyBytesPerSecond);
    }
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, was " + maxHeaderBytes);
    }
  }

  /** Every limit at its default. */
  public static GuardLimits defaults() {
    return new GuardLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT,
        DEFAULT_MIN_BODY_BYTES_PER_SECOND, DEFAULT_RATE_WINDOW, DEFAULT_IDLE_TIMEOUT,
        DEFAULT_MAX_HEADER_BYTES);
  }

  /** These limits with another {@link #headerTimeout()}. */
  public GuardLimits withHeaderTimeout(Duration timeout) {
    return new GuardLimits(timeout, bodyTimeout, minBodyBytesPerSecond, rateWindow, idleTimeout, maxHeaderBytes);
  }

  /** These limits with another {@link #idleTimeout()}. */
  public GuardLimits withIdleTimeout(Duration timeout) {
    return new GuardLimits(headerTimeout, bodyTimeout, minBodyBytesPerSecond, rateWindow, timeout, maxHeaderBytes);
  }

  /** The bytes a body must bring in each full {@link #rateWindow()}. */
  long minBytesPerWindow() {
    return minBodyBytesPerSecond * rateWindow.toMillis() / 1000;
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
