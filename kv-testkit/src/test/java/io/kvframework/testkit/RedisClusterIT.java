package io.kvframework.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

@KvTest
class RedisClusterIT {

    @Test
    void clusterServesEverySlotAndRefusesCrossSlotScripts(RedisClusterServer cluster) {
        assertThat(cluster.seeds()).hasSize(3);
        RedisClusterClient client = RedisClusterClient.create(cluster.seeds());
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            RedisAdvancedClusterCommands<String, String> redis = c.sync();
            assertThat(redis.clusterInfo()).contains("cluster_state:ok").contains("cluster_slots_assigned:16384");
            Set<Integer> nodesUsed = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                redis.set("k" + i, "v" + i);
                nodesUsed.add(c.getPartitions().getPartitionBySlot(io.lettuce.core.cluster.SlotHash.getSlot("k" + i)).getUri().getPort());
            }
            assertThat(nodesUsed).hasSize(3);
            assertThat(redis.get("k42")).isEqualTo("v42");
            Long same = redis.eval("redis.call('SET', KEYS[1], 'a'); return redis.call('RPUSH', KEYS[2], 'b')", ScriptOutputType.INTEGER,
                    "{t}:one", "{t}:two");
            assertThat(same).isEqualTo(1L);
            assertThatThrownBy(() -> redis.eval("return redis.call('SET', KEYS[2], 'x')", ScriptOutputType.STATUS, "{a}:x", "{b}:y"))
                    .hasMessageContaining("CROSSSLOT");
        } finally {
            client.shutdown();
        }
    }
}
