package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.tracebridge.app.config.RoleOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration each way of joining gives (the tcp join runs for real in ClusteredLiveRecordsIT). */
class ClusteredVertxTest {

  @Test
  void nodesOfOneTableFormOneClusterAndNothingPhonesHome() {
    Config config = ClusteredVertx.hazelcastConfig("prod-records", "127.0.0.1", "127.0.0.1", 5701, List.of("127.0.0.1"));

    assertThat(config.getClusterName()).isEqualTo("tracebridge-prod-records");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    // Vert.x's own structures (event-bus subscriptions) are configured, not left to defaults.
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void kubernetesAndAwsJoinsUseHazelcastsDiscoveryWithTheGivenProperties() {
    Config k8s = ClusteredVertx.hazelcastConfig("t1", "0.0.0.0", "10.1.2.3", 5701,
        RoleOptions.Join.KUBERNETES, Map.of("service-dns", "tracebridge.prod.svc.cluster.local"));
    JoinConfig join = k8s.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo("tracebridge.prod.svc.cluster.local");
    assertThat(k8s.getNetworkConfig().getPublicAddress()).isEqualTo("10.1.2.3");

    Config aws = ClusteredVertx.hazelcastConfig("t1", "0.0.0.0", "10.1.2.3", 5701,
        RoleOptions.Join.AWS, Map.of("family", "tracebridge"));
    assertThat(aws.getNetworkConfig().getJoin().getAwsConfig().isEnabled()).isTrue();
    assertThat(aws.getNetworkConfig().getJoin().getAwsConfig().getProperty("family")).isEqualTo("tracebridge");
  }
}
