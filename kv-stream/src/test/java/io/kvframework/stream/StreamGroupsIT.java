package io.kvframework.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backlog counting that does not trust the lag Redis reports. */
@KvTest
class StreamGroupsIT {

    /**
     * Redis 7.0 reports a lag of 3 here although nothing is left to deliver (redis/redis#13957): a
     * drainer that trusted it would never look drained.
     */
    @Test
    void aTrimThatConfusesRedisLagDoesNotConfuseTheBacklog(RedisServer server, TestNamespace ns) {
        RedisClient client = RedisClient.create(server.redisUri());
        try (KvClient kv = KvClient.builder().redis(server.redisUri()).options(KvOptions.builder().namespace(ns.value()).shards(1).build())
                .build(); StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> redis = c.sync();
            String stream = kv.keys().streamKey(0);
            for (int i = 1; i <= 5; i++) {
                redis.xadd(stream, new XAddArgs().id(i + "-0"), Map.of("data", "v" + i));
            }
            redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "g");
            redis.xreadgroup(Consumer.from("g", "c"), XReadArgs.Builder.count(1), XReadArgs.StreamOffset.lastConsumed(stream));
            redis.xtrim(stream, 1);
            redis.xreadgroup(Consumer.from("g", "c"), XReadArgs.Builder.count(1), XReadArgs.StreamOffset.lastConsumed(stream));

            StreamGroups groups = new StreamGroups(kv);
            StreamGroups.Group g = groups.group(stream, "g").orElseThrow();
            assertThat(g.pending()).isEqualTo(2);
            assertThat(g.lastDelivered()).isEqualTo("5-0");
            assertThat(groups.undelivered(stream, g)).isZero();
            assertThat(groups.backlog(stream, g)).isEqualTo(2);

            redis.xack(stream, "g", "1-0", "5-0");
            assertThat(groups.backlog(stream, "g")).isZero();
            // Redis now reports a lag of 5 for the 2 new entries
            redis.xadd(stream, Map.of("data", "v6"));
            redis.xadd(stream, Map.of("data", "v7"));
            assertThat(groups.backlog(stream, "g")).isEqualTo(2);
            List<ShardStatus> status = ShardStatus.read(kv, "g");
            assertThat(status).singleElement().satisfies(s -> {
                assertThat(s.backlog()).isEqualTo(2);
                assertThat(s.pending()).isZero();
                assertThat(s.owner()).isNull();
                assertThat(s.streamLength()).isEqualTo(3);
            });
            assertThat(groups.backlog(stream, "no-such-group")).isEqualTo(3);
        } finally {
            client.shutdown();
        }
    }
}
