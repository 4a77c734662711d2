package io.tracebridge.receiver.grpc;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gRPC body-read time-out: a call whose request message has not fully arrived within {@code
 * timeout} of its start is closed with DEADLINE_EXCEEDED, and what arrives later is dropped. A
 * trickled message then holds a stream and its partial bytes only that long. (It never holds an
 * export slot: the handler runs, and admission is taken, only once grpc-java has the whole
 * message.)
 */
final class MessageDeadlineInterceptor implements ServerInterceptor {
  private final Duration timeout;
  private final ScheduledExecutorService timer;

  MessageDeadlineInterceptor(Duration timeout, ScheduledExecutorService timer) {
    this.timeout = timeout;
    this.timer = timer;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    AtomicBoolean decided = new AtomicBoolean(); // message arrived, or the call was timed out
    ScheduledFuture<?> expiry = timer.schedule(() -> {
      if (decided.compareAndSet(false, true)) {
        call.close(Status.DEADLINE_EXCEEDED.withDescription(
            "request message not received within " + timeout.toMillis() + " ms"), new Metadata());
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(delegate) {
      private boolean received;

      @Override
      public void onMessage(Q message) {
        if (received || decided.compareAndSet(false, true)) {
          received = true;
          expiry.cancel(false);
          super.onMessage(message);
        }
      }

      @Override
      public void onHalfClose() {
        if (received || decided.compareAndSet(false, true)) { // no message: the handler closes
          expiry.cancel(false);
          super.onHalfClose();
        }
      }

      @Override
      public void onReady() {
        if (received || !decided.get()) {
          super.onReady();
        }
      }

      @Override
      public void onCancel() {
        expiry.cancel(false);
        super.onCancel();
      }

      @Override
      public void onComplete() {
        expiry.cancel(false);
        super.onComplete();
      }
    };
  }
}
