package io.tracebridge.web;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs at most {@code max} asynchronous reads at once and queues the rest, in arrival order.
 * Websocket subscriptions read the store through two of these, the socket's (one at a time) and
 * the node's ({@link WebConfig#maxFeedReads()}), so however many subscriptions there are, they
 * never hold more than that many of the store's shared request slots: exports and REST calls
 * keep theirs. Not thread-safe: confined to the web verticle's event loop.
 */
final class ReadGate {
  private final int max;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  ReadGate(int max) {
    this.max = max;
  }

  /** Starts {@code read} now if fewer than {@code max} are running, else once one ends. */
  <T> Future<T> submit(Supplier<Future<T>> read) {
    Promise<T> result = Promise.promise();
    Runnable start = () -> {
      running++;
      Future<T> f;
      try {
        f = read.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        running--;
        if (!waiting.isEmpty()) {
          waiting.poll().run();
        }
        result.handle(ar);
      });
    };
    if (running < max) {
      start.run();
    } else {
      waiting.add(start);
    }
    return result.future();
  }

  /** Reads running now (at most {@code max}). */
  int running() {
    return running;
  }
}
