package io.tracebridge.runtime;

import java.time.Clock;

/**
 * What {@code GET /ping} reports, in AgentCore's protocol: {@code HealthyBusy} while at least one
 * invocation runs, {@code Healthy} otherwise, and {@code time_of_last_update}, the epoch second the
 * status last changed. AgentCore reclaims an idle session's micro-VM; a busy one tells it not to.
 * Thread-safe: invocations begin and end on worker threads while pings read on the event loop.
 */
final class HealthStatus {
  static final String HEALTHY = "Healthy";
  static final String BUSY = "HealthyBusy";

  private final Clock clock;
  private int running;
  private long lastUpdate;

  HealthStatus(Clock clock) {
    this.clock = clock;
    this.lastUpdate = clock.instant().getEpochSecond();
  }

  /** An invocation started; the status becomes busy. */
  synchronized void begin() {
    if (running++ == 0) {
      lastUpdate = clock.instant().getEpochSecond();
    }
  }

  /** An invocation ended (successfully or not); the status is healthy once none runs. */
  synchronized void end() {
    if (running == 0) {
      throw new IllegalStateException("end() without begin()");
    }
    if (--running == 0) {
      lastUpdate = clock.instant().getEpochSecond();
    }
  }

  synchronized String status() {
    return running == 0 ? HEALTHY : BUSY;
  }

  synchronized long timeOfLastUpdate() {
    return lastUpdate;
  }
}
