package io.tracebridge.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The two loops we drive ourselves: a non-SDK transport's, and the application's. */
class LoopsTest {
  /** A failure of a transport the SDK does not drive, carrying a retry-after advice. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean transientFailure;
    final Duration retryAfter;

    Failure(boolean transientFailure, Duration retryAfter) {
      super(transientFailure ? "transient" : "permanent");
      this.transientFailure = transientFailure;
      this.retryAfter = retryAfter;
    }
  }

  private final List<Duration> waits = new ArrayList<>();
  private final AtomicInteger retries = new AtomicInteger();

  private TransportRetryLoop loop(int attempts) {
    return new TransportRetryLoop(new TransportRetryPolicy(attempts, Duration.ofMillis(100), Duration.ofSeconds(5)),
        e -> e instanceof Failure f && f.transientFailure || e instanceof IOException,
        e -> e instanceof Failure f ? Optional.ofNullable(f.retryAfter) : Optional.empty(),
        waits::add, retries::incrementAndGet);
  }

  @Test
  void aTransientFailureIsRetriedUntilSuccess() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String result = loop(5).call("otlp", () -> {
      if (calls.incrementAndGet() <= 2) {
        throw new IOException("connection reset");
      }
      return "ok";
    });

    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    assertThat(retries).hasValue(2);
    assertThat(waits).hasSize(2);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void retriesRunOutAndTheLastFailureSurfacesUnchanged() {
    AtomicInteger calls = new AtomicInteger();
    Failure last = new Failure(true, null);
    assertThatThrownBy(() -> loop(3).call("otlp", () -> {
      calls.incrementAndGet();
      throw last;
    })).isSameAs(last);

    assertThat(calls).hasValue(3);
    assertThat(retries).hasValue(2);
  }

  @Test
  void aPermanentFailureIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> loop(3).call("otlp", () -> {
      calls.incrementAndGet();
      throw new Failure(false, null);
    })).hasMessage("permanent");

    assertThat(calls).hasValue(1);
    assertThat(retries).hasValue(0);
  }

  @Test
  void aLongerRetryAfterWinsUpToMaxBackoff() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    loop(3).call("otlp", () -> {
      int n = calls.incrementAndGet();
      if (n == 1) {
        throw new Failure(true, Duration.ofSeconds(2));
      }
      if (n == 2) {
        throw new Failure(true, Duration.ofMinutes(5));
      }
      return n;
    });

    assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  @Test
  void applicationRetriesBoundTheRoundsAndBackOffLikeThePolicy() throws InterruptedException {
    ApplicationRetries rounds = new ApplicationRetries(
        new TransportRetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2)), waits::add, retries::incrementAndGet);
    List<Integer> tried = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      tried.add(attempt);
      if (rounds.exhausted(attempt)) {
        break;
      }
      rounds.backoff(attempt);
    }

    assertThat(tried).containsExactly(1, 2, 3);
    assertThat(retries).hasValue(2);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void anInterruptedWaitEndsTheLoopWithTheFlagSet() {
    TransportRetryLoop interrupted = new TransportRetryLoop(new TransportRetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)),
        e -> true, e -> Optional.empty(), d -> {
          throw new InterruptedException("stop");
        }, () -> { });
    try {
      assertThatThrownBy(() -> interrupted.call("otlp", () -> {
        throw new IOException("down");
      })).isInstanceOf(InterruptedException.class)
          .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("down"));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
