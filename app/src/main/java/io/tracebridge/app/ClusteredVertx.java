package io.tracebridge.app;

import com.hazelcast.config.AliasedDiscoveryConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import io.tracebridge.app.config.RoleOptions;
import java.util.List;
import java.util.Map;

/**
 * The Vert.x clustered event bus that carries live records from every receiver node to every web
 * node, over Hazelcast (README, "Production": why this engine).
 *
 * <p>Membership: TCP/IP join (multicast off) to {@code members}; the cluster's name is derived
 * from the DynamoDB table, so nodes that share a table form one cluster and nodes of another
 * table (another environment, a test) never join it. Hazelcast's phone-home is off: nothing leaves
 * the configured network. Event-bus messages travel on Vert.x's own TCP connections between the
 * nodes, on a free port of {@code host}.
 */
final class ClusteredVertx {
  /** Prefix of the Hazelcast cluster name; the table name follows. */
  static final String CLUSTER_NAME_PREFIX = "tracebridge-";

  private ClusteredVertx() {}

  /**
   * Starts a clustered Vert.x that binds {@code bindHost} and is reached at {@code publicHost}.
   * Completes once this node joined (or founded) the cluster.
   */
  static Future<Vertx> start(String table, String bindHost, String publicHost, int port, List<String> members) {
    return start(hazelcastConfig(table, bindHost, publicHost, port, members), bindHost, publicHost, 0);
  }

  /**
   * As above, with a Hazelcast configuration of the caller's ({@link #hazelcastConfig}) and the
   * event bus on {@code busPort} (0: a free one).
   */
  static Future<Vertx> start(Config hazelcast, String bindHost, String publicHost, int busPort) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    EventBusOptions eventBus = new EventBusOptions()
        .setHost(bindHost)
        .setPort(busPort)
        .setClusterPublicHost(publicHost);
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(eventBus))
        .withClusterManager(manager)
        .buildClustered();
  }

  /** The address other nodes reach this one at, when none was configured. */
  static String publicHost(String bindHost) {
    if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
      return bindHost;
    }
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot tell this machine's address: set --cluster-public-host", e);
    }
  }

  static Config hazelcastConfig(String table, String bindHost, String publicHost, int port, List<String> members) {
    // Vert.x's maps and multimaps (subscriptions, node info) come from its default cluster config.
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(CLUSTER_NAME_PREFIX + table);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // A node that dies is noticed in seconds rather than the default minute.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true);
    // Host only: with the port left out, Hazelcast advertises the port it actually bound.
    network.setPublicAddress(publicHost);
    if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
      config.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(bindHost));
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return config;
  }

  /**
   * The configuration of a node that finds the others through a discovery of Hazelcast's instead
   * of an address list: {@code kubernetes} (DNS lookup of a headless service with {@code
   * service-dns}, or the Kubernetes API with {@code namespace} / {@code service-name}) or {@code
   * aws} (on ECS, the tasks of the same cluster, filtered by {@code family} or {@code
   * service-name}; on EC2, instances by {@code tag-key} / {@code tag-value}), with its properties.
   */
  static Config hazelcastConfig(String table, String bindHost, String publicHost, int port,
      RoleOptions.Join discovery, Map<String, String> properties) {
    Config config = hazelcastConfig(table, bindHost, publicHost, port, List.of());
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getTcpIpConfig().setEnabled(false);
    AliasedDiscoveryConfig<?> chosen = switch (discovery) {
      case KUBERNETES -> join.getKubernetesConfig();
      case AWS -> join.getAwsConfig();
      case TCP -> throw new IllegalArgumentException("tcp joins by address: use the members list");
    };
    chosen.setEnabled(true);
    properties.forEach(chosen::setProperty);
    return config;
  }
}
