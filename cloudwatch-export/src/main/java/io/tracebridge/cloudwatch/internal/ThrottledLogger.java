package io.tracebridge.cloudwatch.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a repeated warning at most once per interval, as opentelemetry-java's {@code
 * ThrottlingLogger} does: the first occurrence logs at once, later ones within the interval are
 * counted and the count is reported with the next line that gets through. Thread-safe.
 */
public final class ThrottledLogger {
  private final Logger logger;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextAllowed;
  private final AtomicLong suppressed = new AtomicLong();

  public ThrottledLogger(Logger logger, Duration interval, LongSupplier nanoTime) {
    this.logger = logger;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextAllowed = new AtomicLong(nanoTime.getAsLong());
  }

  public ThrottledLogger(Logger logger) {
    this(logger, Duration.ofMinutes(1), System::nanoTime);
  }

  /**
   * Logs {@code message} (an SLF4J pattern; a trailing Throwable argument is logged as the
   * exception) unless one was logged within the interval. Returns whether it was logged.
   */
  public boolean warn(String message, Object... args) {
    long now = nanoTime.getAsLong();
    long allowed = nextAllowed.get();
    if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return false;
    }
    long skipped = suppressed.getAndSet(0);
    logger.warn(skipped == 0 ? message : message + " (" + skipped + " similar warnings suppressed)", args);
    return true;
  }
}
