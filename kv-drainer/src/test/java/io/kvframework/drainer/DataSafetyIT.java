package io.kvframework.drainer;

import static io.kvframework.drainer.Account.BALANCE;
import static io.kvframework.drainer.Account.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.kvframework.core.SchemaMismatchException;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.stream.DeadLetter;
import io.kvframework.stream.HealthState;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.MariaDb;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TcpProxy;
import io.kvframework.testkit.TestNamespace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * G4/G8: a write createWithKV acknowledged reaches the database or stays readable and visible to
 * operators until someone decides otherwise. Each test is one way it used to be lost.
 */
@KvTest
class DataSafetyIT {

    /** A check constraint the model does not know about: the database refuses balances of 1,000 or more. */
    private static void refuseLargeBalances(DrainerFixture fx) {
        fx.dsl().execute("alter table accounts add constraint small_balance check (balance < 1000)");
    }

    /** Starts the drainer on tables that refuse large balances, creates {@code refused}, and returns its dead letter. */
    private static DeadLetter deadLetterOf(DrainerFixture fx, Drainer drainer, Account refused) throws InterruptedException {
        drainer.createTables();
        refuseLargeBalances(fx);
        drainer.start();
        fx.accounts.createWithKV(refused);
        DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
        return drainer.deadLetters().list(10).get(0);
    }

    private static String rowKey(DrainerFixture fx, String id) {
        return fx.kv.keys().rowKey(fx.kv.keys().shard("accounts", id), "accounts", id);
    }

    private static void waitFor(String what, Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void deadLetteredRowStaysPinnedReadableAndVisibleUntilReplayed(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 2);
                Drainer drainer = Drainer.builder(fx.kv).models(Account.MODEL).createTables(true)
                        .engineOptions(DrainerFixture.fastEngine("d1").meterRegistry(meters).build()).build()) {
            drainer.createTables();
            refuseLargeBalances(fx);
            drainer.start();
            fx.accounts.createWithKV(new Account("ok", "ann", 1));
            fx.accounts.createWithKV(new Account("big", "bob", 5000));
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
            assertThat(fx.database()).containsOnlyKeys("ok");
            DeadLetter letter = drainer.deadLetters().list(10).get(0);
            assertThat(letter.originalFields()).containsEntry("key", "big");

            // three TTLs later the drained row is gone from Redis, the dead-lettered one is still there and readable
            waitFor("the drained row is evicted", Duration.ofSeconds(10), () -> fx.redis.exists(rowKey(fx, "ok")) == 0);
            Thread.sleep(3000);
            assertThat(fx.redis.exists(rowKey(fx, "big"))).as("a dead-lettered row is pinned in Redis").isEqualTo(1);
            assertThat(fx.accounts.findOneWithKV(ID.eq("big"))).get().extracting(Account::balance).isEqualTo(5000L);
            assertThat(fx.accounts.findAllWithKV(Account.OWNER.eq("bob"))).hasSize(1);
            waitFor("health shows the dead letter", Duration.ofSeconds(5), () -> drainer.health() == HealthState.DEAD_LETTERS);
            assertThat(meters.get("kv.engine.dead.letters.waiting").gauge().value()).isEqualTo(1.0);

            // the cause is not fixed: replay fails, says so, and keeps the dead letter (never "superseded")
            assertThatThrownBy(() -> drainer.replay(letter)).hasMessageContaining("small_balance");
            assertThat(drainer.deadLetters().count()).isEqualTo(1);
            assertThat(fx.redis.exists(rowKey(fx, "big"))).isEqualTo(1);

            fx.dsl().execute("alter table accounts drop constraint small_balance");
            assertThat(drainer.replay(letter)).isEqualTo(Drainer.ReplayResult.APPLIED);
            assertThat(fx.database()).containsEntry("big", "bob|5000|null|1");
            assertThat(drainer.deadLetters().count()).isZero();
            // released: evicted after its TTL, and the read then comes from the database, unchanged
            waitFor("the replayed row is evicted", Duration.ofSeconds(10), () -> fx.redis.exists(rowKey(fx, "big")) == 0);
            assertThat(fx.accounts.findOneWithKV(ID.eq("big"))).get().extracting(Account::balance).isEqualTo(5000L);
            waitFor("health back to OK", Duration.ofSeconds(5), () -> drainer.health() == HealthState.OK);
        }
    }

    @Test
    void replaySaysSupersededOnlyWhenTheDatabaseHoldsANewerVersion(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 1); Drainer drainer = fx.drainer("d1")) {
            DeadLetter first = deadLetterOf(fx, drainer, new Account("a", "ann", 5000));
            // a later change of the same row that the database accepts reaches it as version 2
            fx.accounts.updateOneWithKV(BALANCE.set(5L), ID.eq("a"));
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
            assertThat(fx.database()).containsEntry("a", "ann|5|null|2");
            assertThat(drainer.replay(first)).isEqualTo(Drainer.ReplayResult.SUPERSEDED);
            assertThat(fx.database()).containsEntry("a", "ann|5|null|2");
            assertThat(drainer.deadLetters().count()).isZero();
        }
    }

    @Test
    void discardIsTheExplicitWayToGiveUpAndSaysWhatItDrops(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 1); Drainer drainer = fx.drainer("d1")) {
            DeadLetter letter = deadLetterOf(fx, drainer, new Account("lost", "lou", 7000));
            Thread.sleep(1500);
            assertThat(fx.redis.exists(rowKey(fx, "lost"))).isEqualTo(1);
            String dropped = drainer.discard(letter);
            assertThat(dropped).contains("dropped change", "version 1", "accounts lost", "the database has no version of it",
                    "Redis holds this version until its TTL");
            assertThat(drainer.deadLetters().count()).isZero();
            waitFor("the released row is evicted", Duration.ofSeconds(10), () -> fx.redis.exists(rowKey(fx, "lost")) == 0);
            assertThat(fx.accounts.findOneWithKV(ID.eq("lost"))).isEmpty();
        }
    }

    /**
     * Two applications, two namespaces, one schema: one drainer restarted many times while the other
     * keeps draining. Offsets, fences and tombstones are per namespace, so neither disturbs the other.
     */
    @Test
    void namespacesSharingASchemaDrainIndependently(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        TestNamespace other = TestNamespace.create();
        try (DrainerFixture a = new DrainerFixture(redis, db, ns, 4); DrainerFixture b = new DrainerFixture(redis, db, other, 4);
                Drainer steady = a.drainer("a1").start()) {
            int rows = 0;
            for (int restart = 0; restart < 8; restart++) {
                try (Drainer restarted = b.drainer("b" + restart).start()) {
                    for (int i = 0; i < 10; i++, rows++) {
                        a.accounts.createWithKV(new Account("a-" + rows, "ann", rows));
                        b.accounts.createWithKV(new Account("b-" + rows, "bob", rows));
                        if (rows % 3 == 0) {
                            a.accounts.deleteWithKV(ID.eq("a-" + rows));
                            b.accounts.deleteWithKV(ID.eq("b-" + rows));
                        }
                    }
                    assertThat(steady.health()).isIn(HealthState.OK, HealthState.LAGGING);
                }
            }
            DrainerFixture.assertDrained(steady.engine(), Duration.ofSeconds(30));
            try (Drainer last = b.drainer("b-last").start()) {
                DrainerFixture.assertDrained(last.engine(), Duration.ofSeconds(30));
            }
            long expectedPerNamespace = java.util.stream.IntStream.range(0, rows).filter(i -> i % 3 != 0).count();
            assertThat(a.database().keySet().stream().filter(k -> k.startsWith("a-")).count()).isEqualTo(expectedPerNamespace);
            assertThat(a.database().keySet().stream().filter(k -> k.startsWith("b-")).count()).isEqualTo(expectedPerNamespace);
            assertThat(steady.health()).isEqualTo(HealthState.OK);
            assertThat(steady.backlog()).isZero();
            b.redis.del(b.redis.keys("{" + other.value() + ":*").toArray(String[]::new));
        }
    }

    /** A batch that never commits (the table is locked) is STALLED after stallTimeout, not OK; it recovers when the lock goes. */
    @Test
    void aShardWithoutProgressIsReportedStalled(RedisServer redis, PostgresServer postgres, IsolatedDatabase db, TestNamespace ns)
            throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db.dataSource(), ns, 2);
                Drainer drainer = Drainer.builder(fx.kv).models(Account.MODEL).createTables(true)
                        .engineOptions(DrainerFixture.fastEngine("d1").stallTimeout(Duration.ofSeconds(1)).build()).build().start()) {
            fx.accounts.createWithKV(new Account("a", "ann", 1));
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
            assertThat(drainer.health()).isEqualTo(HealthState.OK);
            try (Connection lock = java.sql.DriverManager.getConnection(db.jdbcUrl(), postgres.user(), postgres.password());
                    Statement s = lock.createStatement()) {
                lock.setAutoCommit(false);
                s.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
                fx.accounts.createWithKV(new Account("b", "bob", 2));
                waitFor("health STALLED", Duration.ofSeconds(10), () -> drainer.health() == HealthState.STALLED);
                assertThat(drainer.engine().stalledShards()).containsOnlyKeys(fx.kv.keys().shard("accounts", "b"));
                lock.rollback();
            }
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
            waitFor("health back to OK", Duration.ofSeconds(5), () -> drainer.health() == HealthState.OK);
            assertThat(drainer.engine().stalledShards()).isEmpty();
        }
    }

    /** The application starts while its database is unreachable; writes are taken and drained once it is back. */
    @Test
    void startsWithTheDatabaseDown(RedisServer redis, PostgresServer postgres, IsolatedDatabase db, TestNamespace ns) throws Exception {
        try (TcpProxy proxy = TcpProxy.to(postgres); HikariDataSource viaProxy = db.dataSourceVia(proxy, Duration.ofMillis(1000), 2)) {
            proxy.cut();
            KvOptions options = KvOptions.builder().namespace(ns.value()).shards(2).defaultTtl(Duration.ofSeconds(1)).build();
            // no .dialect(...): it is read from the pool's JDBC URL without connecting
            try (KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(viaProxy).options(options).build();
                    Drainer drainer = Drainer.builder(kv).models(Account.MODEL).createTables(true)
                            .engineOptions(DrainerFixture.fastEngine("d1").build()).build().start()) {
                var accounts = kv.repository(Account.MODEL);
                for (int i = 0; i < 20; i++) {
                    accounts.createWithKV(new Account("a" + i, "ann", i));
                }
                Set<HealthState> seen = EnumSet.noneOf(HealthState.class);
                long end = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < end) {
                    seen.add(drainer.health());
                    Thread.sleep(100);
                }
                assertThat(seen).contains(HealthState.SINK_UNAVAILABLE).doesNotContain(HealthState.OK, HealthState.FAILED);
                assertThat(accounts.findOneWithKV(ID.eq("a7"))).get().extracting(Account::balance).isEqualTo(7L);
                proxy.restore();
                DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));
                try (DrainerFixture fx = new DrainerFixture(redis, db.dataSource(), ns, 2)) {
                    assertThat(fx.database()).hasSize(20);
                }
                assertThat(drainer.deadLetters().count()).isZero();
            }
        }
    }

    /** createTables(false) against tables that do not match the model: start-up refuses, naming every difference. */
    private static void refusesMismatchedTables(RedisServer redis, DataSource db, TestNamespace ns, String ddl) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 1)) {
            fx.dsl().execute("drop table if exists accounts");
            fx.dsl().execute(ddl);
            Drainer.Builder builder = Drainer.builder(fx.kv).models(Account.MODEL).createTables(false)
                    .engineOptions(DrainerFixture.fastEngine("d1").build());
            try {
                Throwable refused = org.assertj.core.api.Assertions.catchThrowable(builder::build);
                assertThat(refused).isInstanceOf(SchemaMismatchException.class)
                        .hasMessageContaining("accounts.id").hasMessageContaining("accounts.note").hasMessageContaining("accounts.balance")
                        .hasMessageContaining("accounts.version");
                assertThat(((SchemaMismatchException) refused).problems()).hasSizeGreaterThanOrEqualTo(4);
            } finally {
                fx.dsl().execute("drop table accounts");
            }
        }
    }

    @Test
    void postgresTablesThatDoNotMatchTheModelAreRefusedAtStart(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        // id too short for the model's 100, note bounded where the model is unbounded, balance narrower, no version column
        refusesMismatchedTables(redis, db, ns,
                "create table accounts (id varchar(50) primary key, owner varchar(100), balance integer not null, note varchar(255))");
    }

    @Test
    void mariadbTablesThatDoNotMatchTheModelAreRefusedAtStart(RedisServer redis, @MariaDb DataSource db, TestNamespace ns)
            throws Exception {
        // a case-insensitive, space-padding collation on the key would merge keys that Redis keeps apart
        refusesMismatchedTables(redis, db, ns, "create table accounts (id varchar(100) collate utf8mb4_general_ci primary key,"
                + " owner varchar(100), balance int not null, note varchar(255)) default charset utf8mb4");
    }
}
