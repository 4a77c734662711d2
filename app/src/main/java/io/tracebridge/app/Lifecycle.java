package io.tracebridge.app;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process started, to stop it last-started-first; and the one bounded wait start-up uses.
 * Not thread-safe: start and stop from one thread (the shutdown hook runs after start-up).
 */
final class Lifecycle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
  /** How long one component may take to start or stop. */
  static final long STEP_TIMEOUT_SECONDS = 30;

  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** Remembers {@code component} to be closed before everything started earlier. */
  <T extends AutoCloseable> T add(T component) {
    started.push(component);
    return component;
  }

  /** Waits for a start-up step, failing with the step's name when it takes too long. */
  static <T> T await(io.vertx.core.Future<T> future, String what) {
    try {
      return future.await(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not start within " + STEP_TIMEOUT_SECONDS + " s", e);
    }
  }

  /** Stops every started component, last started first; logs and goes on past failures. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        LOG.warn("error while stopping a component", e);
      }
    }
  }
}
