package io.tracebridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.core.Tool;
import io.tracebridge.runtime.core.ToolResult;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.runtime.internal.Json;
import java.time.Duration;
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
   * Sleeps for {@link #sleep} by design, then sets {@link #returned} just before returning: tests
   * compare what they saw against that flag, not against time.
   */
  static final class Slow implements Tool {
    volatile Duration sleep = Duration.ofSeconds(2);
    volatile AtomicBoolean returned = new AtomicBoolean();

    @Override
    public ToolSpec spec() {
      return new ToolSpec("slow", "takes its time", Json.object().put("type", "object"));
    }

    @Override
    public ToolResult invoke(JsonNode input) {
      try {
        Thread.sleep(sleep.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ToolResult.error("interrupted");
      }
      returned.set(true);
      return ToolResult.success("{\"slept\":" + sleep.toMillis() + "}");
    }
  }
}
