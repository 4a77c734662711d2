package io.tracebridge.runtime.telemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The seed's in-memory span capture ("dual export"), for one invocation at a time: a {@link
 * SpanProcessor} that keeps the spans ended on the current thread while {@link #during} runs.
 *
 * <p>The runtime's agent loop starts and ends every span of an invocation on the thread that
 * runs it, so the spans ended inside {@code during} are exactly that invocation's. Nothing is
 * kept outside {@code during}, and at most {@link #MAX_SPANS} spans per invocation (further ones
 * are not kept), so memory stays bounded whatever the traffic. Add it to the tracer provider
 * (for example as an extra processor of {@link RuntimeTelemetry#create}) beside the exporters.
 * Thread-safe: each thread has its own capture.
 */
public final class TraceCapture implements SpanProcessor {
  /** The most spans one invocation's capture keeps. */
  public static final int MAX_SPANS = 10_000;

  private final ThreadLocal<List<SpanData>> active = new ThreadLocal<>();

  /** What {@code work} returned and the spans ended on this thread while it ran, in end order. */
  public record Captured<T>(T value, List<SpanData> spans) {
    public Captured {
      spans = List.copyOf(spans);
    }
  }

  /**
   * Runs {@code work} on this thread and returns its result with the spans ended meanwhile. If
   * {@code work} throws, the capture is dropped and the exception propagates. Not reentrant: a
   * nested call on the same thread is rejected.
   *
   * @throws IllegalStateException if this thread is already capturing
   */
  public <T> Captured<T> during(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    if (active.get() != null) {
      throw new IllegalStateException("this thread is already capturing its spans");
    }
    List<SpanData> spans = new ArrayList<>();
    active.set(spans);
    try {
      T value = work.get();
      return new Captured<>(value, spans);
    } finally {
      active.remove();
    }
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    List<SpanData> spans = active.get();
    if (spans != null && spans.size() < MAX_SPANS) {
      spans.add(span.toSpanData());
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
