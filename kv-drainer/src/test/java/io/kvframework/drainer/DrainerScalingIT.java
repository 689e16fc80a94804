package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Shards are shared fairly among instances, one owner at a time, as instances join and leave. */
@KvTest
class DrainerScalingIT {

    @Test
    void instancesJoinAndLeaveAndEveryShardHasOneOwnerAtATime(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 12)) {
            Workload workload = new Workload(fx.accounts, 200, 3, 300);
            Thread writer = new Thread(workload, "writer");
            writer.start();
            List<Drainer> drainers = new CopyOnWriteArrayList<>();
            List<String> overlaps = new CopyOnWriteArrayList<>();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    Set<Integer> seen = new HashSet<>();
                    for (Drainer d : drainers) {
                        for (int shard : d.engine().ownedShards()) {
                            if (!seen.add(shard)) {
                                overlaps.add("shard " + shard + " owned twice");
                            }
                        }
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.start();
            try {
                drainers.add(fx.drainer("one").start());
                drainers.add(fx.drainer("two").start());
                awaitBalance(drainers, 12, 6);
                drainers.add(fx.drainer("three").start());
                awaitBalance(drainers, 12, 4);
                Drainer leaving = drainers.remove(0);
                leaving.close();
                awaitBalance(drainers, 12, 6);
                workload.stop();
                writer.join();
                assertThat(drainers.get(0).awaitDrained(Duration.ofSeconds(30))).isTrue();
            } finally {
                watching.set(false);
                watcher.join();
                for (Drainer d : drainers) {
                    d.close();
                }
            }
            assertThat(overlaps).isEmpty();
            assertThat(workload.error()).isNull();
            assertThat(fx.database()).isEqualTo(workload.expected());
        }
    }

    @Test
    void anInstanceTakingShardsStopsAtTheShareLeftOnceOthersJoin(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 64)) {
            for (int i = 0; i < 200; i++) {
                fx.accounts.createWithKV(new Account("j" + i, "o", i));
            }
            String members = fx.kv.keys().membersKey(Drainer.GROUP);
            try (Drainer first = fx.drainer("first")) {
                first.start();
                // three more instances join while the first takes its shards one by one (each asks the database)
                while (first.engine().ownedShards().isEmpty()) {
                    Thread.onSpinWait();
                }
                long until = System.currentTimeMillis() + 1_500;
                fx.redis.zadd(members, until, "joined-1");
                fx.redis.zadd(members, until, "joined-2");
                fx.redis.zadd(members, until, "joined-3");
                int most = 0;
                while (System.currentTimeMillis() < until - 500) {
                    most = Math.max(most, first.engine().ownedShards().size());
                    Thread.sleep(2);
                }
                // a share of 16 among 4, give or take the shards taken before the next count: never all 64
                assertThat(most).isBetween(1, 16 + 4);
                // the others never take any: once they leave the member list, the first takes every shard and drains
                assertThat(first.awaitDrained(Duration.ofSeconds(30))).isTrue();
                long deadline = System.currentTimeMillis() + 10_000;
                while (first.engine().ownedShards().size() < 64 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(first.engine().ownedShards()).hasSize(64);
            }
            assertThat(fx.database()).hasSize(200);
        }
    }

    /** Waits until the drainers together own every shard, each owning at most {@code fair}. */
    private static void awaitBalance(List<Drainer> drainers, int shards, int fair) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            List<Set<Integer>> owned = new ArrayList<>();
            Set<Integer> all = new HashSet<>();
            for (Drainer d : drainers) {
                owned.add(d.engine().ownedShards());
                all.addAll(d.engine().ownedShards());
            }
            if (all.size() == shards && owned.stream().allMatch(s -> s.size() <= fair && !s.isEmpty())) {
                return;
            }
            Thread.sleep(50);
        }
        List<Set<Integer>> owned = drainers.stream().map(d -> d.engine().ownedShards()).toList();
        throw new AssertionError("shards not balanced (fair share " + fair + "): " + owned);
    }
}
