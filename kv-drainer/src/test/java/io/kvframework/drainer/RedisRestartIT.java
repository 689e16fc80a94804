package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.testkit.FaultReport;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Redis itself killed (SIGKILL) and started again under load. With the append-only file synced on
 * every write, nothing acknowledged is lost; without persistence, what the drainer had not yet
 * written is lost — exactly that, and the pipeline goes on with new writes.
 */
@KvTest
class RedisRestartIT {
    static final int KILLS = 3;

    @Test
    void killedRedisWithAppendOnlyFileLosesNoAcknowledgedWrite(IsolatedDatabase db, TestNamespace ns) throws Exception {
        try (RedisServer redis = RedisServer.startEmbedded("--appendonly", "yes", "--appendfsync", "always");
                KvClient appClient = client(redis, db, ns);
                DrainerFixture direct = new DrainerFixture(redis, db.dataSource(), ns, 4, Duration.ofMinutes(10));
                Drainer drainer = direct.drainer("d1").start()) {
            KvRepository<Account> app = appClient.repository(Account.MODEL);
            AtomicBoolean stop = new AtomicBoolean();
            List<CheckedWriter> writers = CheckedWriter.startAll(2, "a", 200, app, direct.accounts, stop);
            Random random = new Random(9);
            for (int kill = 0; kill < KILLS; kill++) {
                Thread.sleep(1000 + random.nextInt(1000));
                redis.kill();
                Thread.sleep(200 + random.nextInt(500));
                redis.start();
            }
            Thread.sleep(1000);
            CheckedWriter.stopAll(writers, stop);
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));
            FaultReport report = CheckedWriter.report("redis-killed-with-aof", KILLS, writers, direct.database()).print();
            assertThat(CheckedWriter.anomalies(writers)).isEmpty();
            report.assertNothingLostOrDuplicated();
            assertThat(CheckedWriter.total(writers, w -> w.failed)).as("the kills must hit writes").isPositive();
            assertThat(drainer.deadLetters().list(10)).isEmpty();
        }
    }

    @Test
    void withoutPersistenceExactlyTheUndrainedWritesAreLostAndDrainingGoesOn(IsolatedDatabase db, TestNamespace ns) throws Exception {
        try (RedisServer redis = RedisServer.startEmbedded();
                KvClient appClient = client(redis, db, ns);
                DrainerFixture direct = new DrainerFixture(redis, db.dataSource(), ns, 4, Duration.ofMinutes(10))) {
            KvRepository<Account> app = appClient.repository(Account.MODEL);
            AtomicBoolean stop = new AtomicBoolean();
            List<CheckedWriter> writers;
            long backlogAtKill;
            try (Drainer drainer = direct.drainer("d1").start()) {
                writers = CheckedWriter.startAll(1, "n", 300, app, direct.accounts, stop);
                Thread.sleep(1500);
                drainer.close(); // the drainer falls behind: what follows is only in Redis
                Thread.sleep(500);
                CheckedWriter.stopAll(writers, stop);
                backlogAtKill = drainer.backlog();
            }
            long writesBeforeKill = CheckedWriter.total(writers, w -> w.operations);
            redis.kill();
            redis.start();
            awaitConnected(direct.accounts);
            Map<String, String> database;
            try (Drainer drainer = direct.drainer("d2").start()) {
                // the pipeline goes on: new keys are written and drained although Redis forgot its streams and groups
                for (int i = 0; i < 100; i++) {
                    createOnceConnected(app, new Account("after-" + i, "o1", i));
                }
                DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));
                database = direct.database();
            }
            for (int i = 0; i < 100; i++) {
                assertThat(database).containsKey("after-" + i);
            }
            database.keySet().removeIf(k -> k.startsWith("after-"));
            FaultReport report = CheckedWriter.report("redis-killed-without-persistence", 1, writers, database).print();
            long differing = report.lost() + report.duplicated();
            System.out.printf("  without persistence: %,d writes acknowledged before the kill, %,d stream entries not yet drained at"
                    + " the kill; %,d rows differ from what the application was told (%,d changes lost, %,d deletes lost)%n",
                    writesBeforeKill, backlogAtKill, differing, report.lost(), report.duplicated());
            assertThat(CheckedWriter.anomalies(writers)).isEmpty();
            assertThat(backlogAtKill).isPositive();
            // exactly the undrained changes are lost: every differing row had a change among them, and no other row differs
            assertThat(differing).isPositive().isLessThanOrEqualTo(backlogAtKill);
        }
    }

    @Test
    void aRunningDrainerGoesOnAfterRedisLostEverything(IsolatedDatabase db, TestNamespace ns) throws Exception {
        try (RedisServer redis = RedisServer.startEmbedded();
                KvClient appClient = client(redis, db, ns);
                DrainerFixture direct = new DrainerFixture(redis, db.dataSource(), ns, 4, Duration.ofMinutes(10));
                Drainer drainer = direct.drainer("d1").start()) {
            KvRepository<Account> app = appClient.repository(Account.MODEL);
            for (int i = 0; i < 50; i++) {
                app.createWithKV(new Account("before-" + i, "o1", i));
            }
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
            redis.kill();
            redis.start(); // empty: no stream, no consumer group, no lease
            for (int i = 0; i < 50; i++) {
                createOnceConnected(app, new Account("after-" + i, "o2", i));
            }
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
            Map<String, String> database = direct.database();
            for (int i = 0; i < 50; i++) {
                assertThat(database).containsKeys("before-" + i, "after-" + i);
            }
        }
    }

    /** Creates a row, retrying while the client reconnects (it refuses writes until then: they were not applied). */
    private static void createOnceConnected(KvRepository<Account> app, Account account) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                app.createWithKV(account);
                return;
            } catch (io.kvframework.core.KvUnavailableException e) {
                if (System.nanoTime() > deadline || !e.getMessage().contains("was not applied")) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits until the client has reconnected (it refuses commands until then). */
    private static void awaitConnected(KvRepository<Account> repository) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                repository.findAllFromKvRedis(Account.OWNER.eq("nobody"));
                return;
            } catch (io.kvframework.core.KvUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static KvClient client(RedisServer redis, IsolatedDatabase db, TestNamespace ns) {
        return KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                .options(KvOptions.builder().namespace(ns.value()).shards(4).defaultTtl(Duration.ofMinutes(10))
                        .commandTimeout(Duration.ofSeconds(1)).build())
                .build();
    }
}
