package io.tracebridge.app;

import io.tracebridge.app.config.RoleOptions;
import io.tracebridge.web.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * This node's place in the cluster that carries live records: the clustered Vert.x it runs on,
 * and the readiness check that it is joined.
 */
final class ClusterMembership {
  private final Vertx vertx;

  private ClusterMembership(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Joins (or founds) the cluster of {@code table}; closed by {@code lifecycle}. Blocks. */
  static ClusterMembership join(String table, String host, RoleOptions.Cluster options, Lifecycle lifecycle) {
    String publicHost = options.publicHost != null ? options.publicHost : ClusteredVertx.publicHost(host);
    var hazelcast = options.join == RoleOptions.Join.TCP
        ? ClusteredVertx.hazelcastConfig(table, host, publicHost, options.port, options.members)
        : ClusteredVertx.hazelcastConfig(table, host, publicHost, options.port, options.join, options.discoveryProperties());
    Vertx vertx = Lifecycle.await(ClusteredVertx.start(hazelcast, host, publicHost, options.busPort), "the cluster member");
    lifecycle.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
    return new ClusterMembership(vertx);
  }

  Vertx vertx() {
    return vertx;
  }

  /** How many nodes the cluster has now, this one included. */
  int size() {
    return ((VertxInternal) vertx).clusterManager().getNodes().size();
  }

  /** Ready while the cluster manager is active (this node is a member). */
  Readiness readiness() {
    return () -> Future.succeededFuture(
        ((VertxInternal) vertx).clusterManager().isActive() ? List.of() : List.of("not a member of the cluster"));
  }
}
