package io.kvframework.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisSentinelServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A Sentinel-managed Redis: the library and the CLI find the master through the Sentinel, from a redis-sentinel:// URI. */
@KvTest
class SentinelIT {

    @Test
    void theLibraryAndTheCliReachTheMasterThroughTheSentinel(TestNamespace ns) {
        try (RedisServer master = RedisServer.startEmbedded();
                RedisSentinelServer sentinel = RedisSentinelServer.monitoring(master, "kvmaster");
                KvClient kv = KvClient.builder().redis(sentinel.redisUri())
                        .options(KvOptions.builder().namespace(ns.value()).shards(4).build()).build()) {
            KvRepository<Item> items = kv.repository(Item.MODEL);
            items.createWithKV(new Item("s1", "ada", 7, 0));
            assertThat(items.findOneWithKV(Item.ID.eq("s1"))).map(Item::qty).contains(7L);

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = KvCli.run(new PrintWriter(out), new PrintWriter(err), "inspect", "items", "s1", "--redis", sentinel.uri(),
                    "--namespace", ns.value(), "--shards", "4");
            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("version 1", "qty = 7");
        }
    }
}
