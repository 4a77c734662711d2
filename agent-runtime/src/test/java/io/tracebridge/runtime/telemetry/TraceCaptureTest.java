package io.tracebridge.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TraceCaptureTest {
  private final TraceCapture capture = new TraceCapture();
  private final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(capture).build();
  private final Tracer tracer = provider.get("test");

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void keepsOnlyTheSpansEndedOnThisThreadWhileItRuns() throws Exception {
    tracer.spanBuilder("before").startSpan().end();
    TraceCapture.Captured<String> captured = capture.during(() -> {
      tracer.spanBuilder("inside").startSpan().end();
      Thread other = new Thread(() -> tracer.spanBuilder("other thread").startSpan().end());
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return "done";
    });
    tracer.spanBuilder("after").startSpan().end();

    assertThat(captured.value()).isEqualTo("done");
    assertThat(captured.spans()).extracting(SpanData::getName).containsExactly("inside");
    assertThat(capture.during(() -> 1).spans()).isEmpty();
  }

  @Test
  void aFailedRunKeepsNothingAndNestingIsRejected() {
    assertThatThrownBy(() -> capture.during(() -> {
      tracer.spanBuilder("lost").startSpan().end();
      throw new IllegalArgumentException("boom");
    })).hasMessage("boom");
    assertThat(capture.during(() -> 1).spans()).isEmpty();

    assertThatThrownBy(() -> capture.during(() -> capture.during(() -> 1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keepsAtMostMaxSpans() {
    TraceCapture.Captured<Integer> captured = capture.during(() -> {
      for (int i = 0; i < TraceCapture.MAX_SPANS + 5; i++) {
        tracer.spanBuilder("s" + i).startSpan().end();
      }
      return 0;
    });
    assertThat(captured.spans()).hasSize(TraceCapture.MAX_SPANS);
  }
}
