package io.tracebridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.internal.Json;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Tools for the end-to-end scenarios. */
final class TestTools {
  private TestTools() {}

  /** Always throws. */
  static final class Explode implements Tool {
    @Override
    public ToolSpec spec() {
      return new ToolSpec("explode", "fails on purpose", Json.object().put("type", "object"));
    }

    @Override
    public ToolResult invoke(JsonNode input) {
      throw new IllegalStateException("boom from explode");
    }
  }

  /**
   * Does not return until the test opens its {@link #gate} (or {@link #MAX_HOLD} passes, longer
   * than any test waits, so a test whose check failed still ends). Tests that need "seen while the
   * tool was still running" open the gate only after they saw it: an order, not a race with time.
   * {@link #returned} is set just before it returns.
   */
  static final class Slow implements Tool {
    static final Duration MAX_HOLD = Duration.ofSeconds(90);
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile AtomicBoolean returned = new AtomicBoolean();

    @Override
    public ToolSpec spec() {
      return new ToolSpec("slow", "takes its time", Json.object().put("type", "object"));
    }

    @Override
    public ToolResult invoke(JsonNode input) {
      try {
        gate.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ToolResult.error("interrupted");
      }
      returned.set(true);
      return ToolResult.success("{\"held\":true}");
    }
  }
}
