package io.kvframework.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.stream.HealthState;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;

/** How spring.data.redis.* becomes KvClient's connection, and how component health maps to actuator statuses. */
class RedisConnectionTest {

    @Test
    void hostPortAclUserPasswordDatabaseTlsAndTimeout() {
        RedisProperties p = new RedisProperties();
        p.setHost("cache.internal");
        p.setPort(6380);
        p.setUsername("app");
        p.setPassword("s3cret");
        p.setDatabase(2);
        p.getSsl().setEnabled(true);
        p.setTimeout(Duration.ofSeconds(3));
        p.setClientName("orders");
        RedisURI uri = RedisConnection.uri(p);
        assertThat(uri.getHost()).isEqualTo("cache.internal");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getUsername()).isEqualTo("app");
        assertThat(new String(uri.getPassword())).isEqualTo("s3cret");
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.isSsl()).isTrue();
        assertThat(uri.getTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(uri.getClientName()).isEqualTo("orders");
        assertThat(RedisConnection.clusterSeeds(p)).isEmpty();
    }

    @Test
    void aUrlWinsOverHostAndPort() {
        RedisProperties p = new RedisProperties();
        p.setHost("ignored");
        p.setUrl("rediss://app:pw@cache.example:6390/3");
        RedisURI uri = RedisConnection.uri(p);
        assertThat(uri.getHost()).isEqualTo("cache.example");
        assertThat(uri.getPort()).isEqualTo(6390);
        assertThat(uri.isSsl()).isTrue();
        assertThat(uri.getUsername()).isEqualTo("app");
        assertThat(uri.getDatabase()).isEqualTo(3);
    }

    @Test
    void sentinelsWithTheirOwnPasswordAndTheMastersPassword() {
        RedisProperties p = new RedisProperties();
        p.setPassword("data-pw");
        RedisProperties.Sentinel s = new RedisProperties.Sentinel();
        s.setMaster("mymaster");
        s.setNodes(List.of("s1:26379", "s2:26380"));
        s.setPassword("sentinel-pw");
        p.setSentinel(s);
        RedisURI uri = RedisConnection.uri(p);
        assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(uri.getSentinels()).extracting(RedisURI::getHost, RedisURI::getPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("s1", 26379), org.assertj.core.groups.Tuple.tuple("s2", 26380));
        assertThat(uri.getSentinels()).allSatisfy(sentinel -> assertThat(new String(sentinel.getPassword())).isEqualTo("sentinel-pw"));
        assertThat(new String(uri.getPassword())).isEqualTo("data-pw");
    }

    @Test
    void clusterNodesAreTheSeeds() {
        RedisProperties p = new RedisProperties();
        p.setPassword("pw");
        RedisProperties.Cluster c = new RedisProperties.Cluster();
        c.setNodes(List.of("n1:7000", "n2:7001", "[::1]:7002"));
        p.setCluster(c);
        assertThat(RedisConnection.clusterSeeds(p)).extracting(RedisURI::getHost).containsExactly("n1", "n2", "::1");
        assertThat(RedisConnection.clusterSeeds(p)).allSatisfy(u -> assertThat(new String(u.getPassword())).isEqualTo("pw"));
    }

    @Test
    void aNodeWithoutAPortIsRefusedByName() {
        RedisProperties p = new RedisProperties();
        RedisProperties.Cluster c = new RedisProperties.Cluster();
        c.setNodes(List.of("n1"));
        p.setCluster(c);
        assertThatThrownBy(() -> RedisConnection.clusterSeeds(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spring.data.redis node 'n1' must be host:port");
    }

    @Test
    void componentHealthMapsToUpDegradedAndDown() {
        assertThat(KvHealthIndicators.status(HealthState.OK)).isEqualTo(Status.UP);
        assertThat(KvHealthIndicators.status(HealthState.LAGGING)).isEqualTo(KvHealthIndicators.DEGRADED);
        assertThat(KvHealthIndicators.status(HealthState.DEAD_LETTERS)).isEqualTo(KvHealthIndicators.DEGRADED);
        for (HealthState down : List.of(HealthState.STALLED, HealthState.SINK_UNAVAILABLE, HealthState.FAILED, HealthState.STOPPED)) {
            assertThat(KvHealthIndicators.status(down)).isEqualTo(Status.DOWN);
        }
    }
}
