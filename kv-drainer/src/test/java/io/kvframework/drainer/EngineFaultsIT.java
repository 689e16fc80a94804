package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import io.kvframework.stream.EngineOptions;
import io.kvframework.stream.HealthState;
import io.kvframework.stream.StreamEngine;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A sink or its driver failing in ways that are not ordinary exceptions must neither stop the
 * engine nor strand entries as pending. (Found by DrainerOutageIT: with assertions on, pgjdbc
 * throws an AssertionError when its connection is reset mid-batch, and that used to end the
 * worker thread while the lease thread kept the shards.)
 */
@KvTest
class EngineFaultsIT {

    /** Keeps the highest version of each key; fails on chosen calls. */
    static class FlakySink implements ChangeSink {
        final Map<String, Long> versions = new ConcurrentHashMap<>();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger coalesceCalls = new AtomicInteger();
        final int errorOnWrite;
        final int throwOnCoalesce;

        FlakySink(int errorOnWrite, int throwOnCoalesce) {
            this.errorOnWrite = errorOnWrite;
            this.throwOnCoalesce = throwOnCoalesce;
        }

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public boolean coalesce() {
            if (coalesceCalls.incrementAndGet() == throwOnCoalesce) {
                // after the entries were read, before they were written or acknowledged
                throw new IllegalStateException("injected: failure between read and write");
            }
            return true;
        }

        @Override
        public void write(SinkBatch batch) {
            if (writes.incrementAndGet() == errorOnWrite) {
                throw new AssertionError("injected: an Error from the sink's driver");
            }
            for (ShardEvent e : batch.events()) {
                versions.merge(e.event().table() + ":" + e.event().key(), e.event().version(), Math::max);
            }
        }
    }

    @Test
    void anErrorFromTheSinkIsRetriedAndAFailureBeforeTheWriteRereadsThePendingEntries(RedisServer redis, DataSource db,
            TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 2)) {
            FlakySink sink = new FlakySink(1, 2);
            EngineOptions options = DrainerFixture.fastEngine("flaky", "e1").build();
            try (StreamEngine engine = new StreamEngine(fx.kv, sink, options).start()) {
                Map<String, Long> expected = new ConcurrentHashMap<>();
                for (int round = 0; round < 5; round++) {
                    for (int i = 0; i < 40; i++) {
                        Account a = fx.accounts.createWithKV(new Account("r" + round + "-" + i, "o", i));
                        expected.put("accounts:" + a.id(), a.version());
                    }
                    Thread.sleep(100);
                }
                DrainerFixture.assertDrained(engine, Duration.ofSeconds(30));
                assertThat(engine.health()).isIn(HealthState.OK, HealthState.LAGGING);
                assertThat(sink.coalesceCalls.get()).isGreaterThanOrEqualTo(2);
                assertThat(sink.writes.get()).isGreaterThanOrEqualTo(2);
                assertThat(sink.versions).isEqualTo(expected);
                assertThat(engine.deadLetters().list(10)).isEmpty();
            }
        }
    }

    @Test
    void manyShardsWithASmallBatchLeaveNothingPending(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        // 64 shards read 16 entries each per round: far more than a batch of 50, which once made the engine drop
        // the replies of the last shards although Redis had delivered their entries (found by kv-bench at 256 shards)
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 64)) {
            FlakySink sink = new FlakySink(0, 0);
            Map<String, Long> expected = new ConcurrentHashMap<>();
            for (int i = 0; i < 3000; i++) {
                Account a = fx.accounts.createWithKV(new Account("m" + i, "o", i));
                expected.put("accounts:" + a.id(), a.version());
            }
            EngineOptions options = DrainerFixture.fastEngine("wide", "e1").batchSize(50).build();
            try (StreamEngine engine = new StreamEngine(fx.kv, sink, options).start()) {
                DrainerFixture.assertDrained(engine, Duration.ofSeconds(60));
                assertThat(sink.versions).isEqualTo(expected);
            }
        }
    }

    @Test
    void entriesAnotherConsumerHoldsOnAnOwnedShardAreClaimedAndWritten(RedisServer redis, DataSource db, TestNamespace ns)
            throws Exception {
        // an instance that loses or gives back a shard while its read is in flight gets entries delivered after the new owner
        // claimed the shard's pending ones: only the owner's maintenance can still claim them (they used to stay pending forever)
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 2)) {
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            AtomicInteger entered = new AtomicInteger();
            FlakySink sink = new FlakySink(0, 0) {
                @Override
                public void write(SinkBatch batch) {
                    entered.incrementAndGet();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.write(batch);
                }
            };
            EngineOptions options = DrainerFixture.fastEngine("stray", "e1").build();
            try (StreamEngine engine = new StreamEngine(fx.kv, sink, options).start()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (engine.ownedShards().size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(engine.ownedShards()).hasSize(2);
                Map<String, Long> expected = new ConcurrentHashMap<>();
                for (int i = 0; i < 10; i++) {
                    Account a = fx.accounts.createWithKV(new Account("held-" + i, "o", i));
                    expected.put("accounts:" + a.id(), a.version());
                }
                // the engine's first write waits at the gate; meanwhile another consumer of the group takes the next entries
                while (entered.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                for (int i = 0; i < 10; i++) {
                    Account a = fx.accounts.createWithKV(new Account("stray-" + i, "o", i));
                    expected.put("accounts:" + a.id(), a.version());
                }
                Thread.sleep(50);
                long taken = 0;
                for (int shard = 0; shard < 2; shard++) {
                    taken += fx.redis.xreadgroup(io.lettuce.core.Consumer.from("stray", "gone"), io.lettuce.core.XReadArgs.Builder.count(100),
                            io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(fx.kv.keys().streamKey(shard))).size();
                }
                assertThat(taken).as("entries the other consumer took").isPositive();
                gate.countDown();
                DrainerFixture.assertDrained(engine, Duration.ofSeconds(30));
                assertThat(sink.versions).isEqualTo(expected);
                for (int shard = 0; shard < 2; shard++) {
                    assertThat(fx.redis.xpending(fx.kv.keys().streamKey(shard), "stray").getCount()).isZero();
                }
            }
        }
    }

    @Test
    void anIdleEngineWaitsInRedisForNewEntriesOnAConnectionOfItsOwn(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 2)) {
            FlakySink sink = new FlakySink(0, 0);
            try (StreamEngine engine = new StreamEngine(fx.kv, sink, DrainerFixture.fastEngine("idle", "e1").build()).start()) {
                // idle and owning both shards: its read waits in XREADGROUP … BLOCK, on a connection that is not the shared one
                waitForBlockedRead(fx, true);
                Account a = fx.accounts.createWithKV(new Account("woken", "o", 1));
                DrainerFixture.assertDrained(engine, Duration.ofSeconds(30));
                assertThat(sink.versions).containsEntry("accounts:woken", a.version());
                // the application's commands on the shared connection do not queue behind the waiting read
                assertThat(fx.accounts.findOneWithKV(Account.ID.eq("woken"))).isPresent();
                waitForBlockedRead(fx, true);
            }
            waitForBlockedRead(fx, false); // closed with the engine
        }
    }

    @Test
    void acknowledgementsRedisRefusesLeaveTheEntriesPendingAndHealthSaysSoUntilOneIsAccepted(RedisServer redis, DataSource db,
            TestNamespace ns) throws Exception {
        // XACK is sent without waiting for its reply; a refused one must not count as done: the entries stay pending and are
        // written again (the shard does not move on to new entries meanwhile), health stops saying OK, and all is acknowledged
        // once Redis accepts XACK again (here: the default user may not run XACK for a while)
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 2)) {
            FlakySink sink = new FlakySink(0, 0);
            io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            EngineOptions options = DrainerFixture.fastEngine("acks", "e1").lagThreshold(Duration.ofMillis(300)).meterRegistry(registry)
                    .build();
            try (StreamEngine engine = new StreamEngine(fx.kv, sink, options).start()) {
                Map<String, Long> expected = new ConcurrentHashMap<>();
                fx.redis.aclSetuser("default", io.lettuce.core.AclSetuserArgs.Builder.removeCommand(io.lettuce.core.protocol.CommandType.XACK));
                try {
                    for (int i = 0; i < 50; i++) {
                        Account a = fx.accounts.createWithKV(new Account("ack-" + i, "o", i));
                        expected.put("accounts:" + a.id(), a.version());
                    }
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while ((sink.writes.get() < 3 || engine.health() == HealthState.OK) && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertThat(sink.writes.get()).as("batches written while acknowledgements fail").isGreaterThanOrEqualTo(3);
                    assertThat(engine.health()).as("health while nothing is acknowledged").isIn(HealthState.LAGGING, HealthState.STALLED);
                    long pending = 0;
                    for (int shard = 0; shard < 2; shard++) {
                        pending += fx.redis.xpending(fx.kv.keys().streamKey(shard), "acks").getCount();
                    }
                    assertThat(sink.versions).isNotEmpty();
                    assertThat(expected).containsAllEntriesOf(sink.versions);
                    assertThat(pending).as("entries delivered and written, none acknowledged").isGreaterThanOrEqualTo(sink.versions.size());
                    assertThat(engine.deadLetters().list(10)).isEmpty();
                    // the refusal was noticed, not ignored: the rounds were given up and their pending entries read again
                    assertThat(registry.get("kv.engine.retries").counter().count()).as("engine retries while XACK is refused").isPositive();
                } finally {
                    fx.redis.aclSetuser("default", io.lettuce.core.AclSetuserArgs.Builder.addCommand(io.lettuce.core.protocol.CommandType.XACK));
                }
                DrainerFixture.assertDrained(engine, Duration.ofSeconds(30));
                assertThat(sink.versions).isEqualTo(expected);
                for (int shard = 0; shard < 2; shard++) {
                    assertThat(fx.redis.xpending(fx.kv.keys().streamKey(shard), "acks").getCount()).isZero();
                }
                assertThat(engine.deadLetters().list(10)).isEmpty();
            }
        }
    }

    /** Waits until Redis lists a client blocked in XREADGROUP (or, with {@code present} false, none). */
    private static void waitForBlockedRead(DrainerFixture fx, boolean present) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean seen;
        do {
            seen = fx.redis.clientList().lines().anyMatch(l -> l.contains("cmd=xreadgroup") && l.matches(".* flags=\\w*b\\w* .*"));
            if (seen == present) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError((present ? "no" : "still a") + " client blocked in XREADGROUP:\n" + fx.redis.clientList());
    }
}
