package io.tracebridge.web;

import io.vertx.core.Future;
import java.util.List;

/**
 * Whether a node can do its work now, for a load balancer's readiness probe: the problems that
 * stop it (the table unreachable, the cluster not joined), empty when ready. Called on an event
 * loop: must not block (do blocking checks with {@code executeBlocking}) and should answer from a
 * recent result rather than call DynamoDB on every probe.
 */
@FunctionalInterface
public interface Readiness {
  /** Always ready: a node with nothing to wait for. */
  Readiness ALWAYS = () -> Future.succeededFuture(List.of());

  /** The problems that keep this node from being ready; empty when it is ready. */
  Future<List<String>> problems();

  /** Both checks' problems. */
  default Readiness and(Readiness other) {
    return () -> Future.all(problems(), other.problems())
        .map(all -> {
          List<String> a = all.resultAt(0);
          List<String> b = all.resultAt(1);
          return a.isEmpty() ? b : b.isEmpty() ? a : java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
        });
  }
}
