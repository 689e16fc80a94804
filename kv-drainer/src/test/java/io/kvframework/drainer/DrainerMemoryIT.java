package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** G7: while the drainer keeps up, nothing in Redis grows without bound. */
@KvTest
class DrainerMemoryIT {

    @Test
    void redisStaysFlatOverALongDrainedWorkload(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 4);
                Drainer drainer = Drainer.builder(fx.kv).models(Account.MODEL).createTables(true)
                        .engineOptions(DrainerFixture.fastEngine("d1").meterRegistry(registry).build()).build().start()) {
            List<Long> keysAfterWave = new ArrayList<>();
            List<Long> streamEntriesAfterWave = new ArrayList<>();
            for (int wave = 0; wave < 6; wave++) {
                // each wave uses fresh keys: the total number of keys ever written grows with every wave
                Workload workload = new Workload(fx.accounts, 400, wave, 0, "wave" + wave + "-k");
                for (int i = 0; i < 2000; i++) {
                    workload.step();
                }
                String prefix = "w" + wave;
                for (int i = 0; i < 300; i++) {
                    fx.accounts.createWithKV(new Account(prefix + "-" + i, "o", i));
                }
                assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
                settle(fx);
                keysAfterWave.add(fx.redisKeys());
                long entries = 0;
                for (String stream : fx.kv.keys().streamKeys()) {
                    entries += fx.redis.xlen(stream);
                }
                streamEntriesAfterWave.add(entries);
            }
            System.out.println("memory test: keys after each wave " + keysAfterWave + ", stream entries " + streamEntriesAfterWave);
            // per shard at most: stream, key filter, expiry schedule, lease, fence counter; plus the member list
            assertThat(keysAfterWave).allMatch(k -> k <= 4 * 5 + 1);
            assertThat(streamEntriesAfterWave).allMatch(e -> e <= 4);
            assertThat(registry.get("kv.engine.events").counter().count()).isPositive();
            assertThat(registry.get("kv.engine.batch.latency").timer().count()).isPositive();
            assertThat(registry.find("kv.engine.lag").gauges()).hasSize(4);
        }
    }

    /** Waits until evictions are done: no row, index or tombstone keys left. */
    private static void settle(DrainerFixture fx) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (fx.redis.keys("{" + fx.namespace + ":*:r:*").isEmpty() && fx.redis.keys("{" + fx.namespace + ":*:i:*").isEmpty()) {
                Thread.sleep(500);
                return;
            }
            Thread.sleep(100);
        }
    }
}
