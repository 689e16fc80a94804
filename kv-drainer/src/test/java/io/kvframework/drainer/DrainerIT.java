package io.kvframework.drainer;

import static io.kvframework.drainer.Account.BALANCE;
import static io.kvframework.drainer.Account.ID;
import static io.kvframework.drainer.Account.NOTE;
import static io.kvframework.drainer.Account.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import io.kvframework.sql.DatabaseSink;
import io.kvframework.stream.DeadLetter;
import io.kvframework.stream.EngineOptions;
import io.kvframework.stream.HealthState;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.MariaDb;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@KvTest
class DrainerIT {

    private static void everyOperation(DrainerFixture fx) throws Exception {
        try (Drainer drainer = fx.drainer("d1").start()) {
            fx.accounts.createWithKV(new Account("a", "ann", 10));
            fx.accounts.createWithKV(new Account("b", "bob", 20));
            fx.accounts.createWithKV(new Account("c", "cid", 30));
            fx.accounts.updateOneWithKV(BALANCE.set(11L).and(NOTE.set("raised")), ID.eq("a"));
            fx.accounts.updateWithKV(OWNER.set("ann"), ID.eq("b"));
            fx.accounts.deleteWithKV(ID.eq("c"));
            fx.accounts.createWithKV(new Account("d", "dan", 40));
            fx.accounts.deleteWithKV(ID.eq("d"));
            fx.accounts.createWithKV(new Account("d", "dora", 41));
            assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
            assertThat(fx.database()).containsExactly(
                    Map.entry("a", "ann|11|raised|2"),
                    Map.entry("b", "ann|20|null|2"),
                    Map.entry("d", "dora|41|null|3"));
            assertThat(drainer.health()).isEqualTo(HealthState.OK);
        }
    }

    @Test
    void everyOperationDrainsToTheRightRowInPostgres(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 4)) {
            everyOperation(fx);
        }
    }

    @Test
    void everyOperationDrainsToTheRightRowInMariaDb(RedisServer redis, @MariaDb DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 4)) {
            everyOperation(fx);
        }
    }

    @Test
    void batchesInFlightBehindAPoisonedOneAreWrittenAgainInOrderAndNothingIsLost(RedisServer redis, DataSource db, TestNamespace ns)
            throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 1)) {
            // one shard, batches of 7, up to 16 in flight: a poison event fails its batch while later batches wait behind it
            try (Drainer drainer = Drainer.builder(fx.kv).models(Account.MODEL).createTables(true)
                    .engineOptions(DrainerFixture.fastEngine("pipe").batchSize(7).maxInFlightBatches(16).build()).build()) {
                drainer.createTables();
                fx.dsl().execute("alter table accounts add constraint no_poison check (note is null or note <> 'poison')");
                for (int i = 0; i < 60; i++) {
                    fx.accounts.createWithKV(new Account("p" + i, "o", i, i % 13 == 5 ? "poison" : null, 0));
                }
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 60; i += 4) {
                        fx.accounts.updateOneWithKV(BALANCE.set((long) (1000 * round + i)), ID.eq("p" + i));
                    }
                }
                // read before the drain: once drained, the stream is trimmed to nothing
                String lastEntry = fx.redis.xrevrange(fx.kv.keys().streamKey(0), io.lettuce.core.Range.create("-", "+"),
                        io.lettuce.core.Limit.from(1)).get(0).getId();
                drainer.start();
                DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
                // every key whose create was poison has 0 or more updates dead-lettered too; all other keys are exact
                Map<String, String> expected = new java.util.TreeMap<>();
                for (int i = 0; i < 60; i++) {
                    if (i % 13 != 5) {
                        expected.put("p" + i, DrainerFixture.row(fx.accounts.findOneWithKV(ID.eq("p" + i)).orElseThrow()));
                    }
                }
                assertThat(fx.database()).isEqualTo(expected);
                long poisoned = java.util.stream.IntStream.range(0, 60).filter(i -> i % 13 == 5).count();
                assertThat(drainer.deadLetters().count()).isGreaterThanOrEqualTo(poisoned);
                assertThat(drainer.deadLetters().list(100)).allSatisfy(l -> assertThat(l.error()).contains("no_poison"));
                // the position is the stream's last entry: batches committed in order, none skipped
                DatabaseSink sink = new DatabaseSink(db, SqlDialect.POSTGRES, ns.value(), Drainer.GROUP, List.of(Account.MODEL));
                assertThat(sink.committed(0)).contains(lastEntry);
            }
        }
    }

    @Test
    void aShareThatLostItsFenceFailsAloneAndTheOtherSharesCommit(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        sharesAndFences(new DrainerFixture(redis, db, ns, 4), db, SqlDialect.POSTGRES);
    }

    @Test
    void aShareThatLostItsFenceFailsAloneInMariaDb(RedisServer redis, @MariaDb DataSource db, TestNamespace ns) throws Exception {
        sharesAndFences(new DrainerFixture(redis, db, ns, 4), db, SqlDialect.MARIADB);
    }

    /** A batch over 4 shards written on 4 connections while another instance has taken shard 2. */
    private static void sharesAndFences(DrainerFixture fixture, DataSource db, SqlDialect dialect) throws Exception {
        try (DrainerFixture fx = fixture;
                DatabaseSink sink = new DatabaseSink(db, dialect, fx.kv.keys().namespace(), "shares", List.of(Account.MODEL), 4)) {
            sink.createTables();
            for (int i = 0; i < 40; i++) {
                fx.accounts.createWithKV(new Account("s" + i, "o", i));
            }
            List<ShardEvent> events = new ArrayList<>();
            Map<Integer, SinkBatch.Position> positions = new java.util.LinkedHashMap<>();
            for (int s = 0; s < 4; s++) {
                assertThat(sink.claim(s, 5)).isEmpty();
                String last = null;
                for (var m : fx.redis.xrange(fx.kv.keys().streamKey(s), io.lettuce.core.Range.create("-", "+"))) {
                    events.add(new ShardEvent(s, m.getId(), ChangeEvent.fromStreamEntry(m.getBody())));
                    last = m.getId();
                }
                assertThat(last).as("shard %d has entries", s).isNotNull();
                positions.put(s, new SinkBatch.Position(last, 5));
            }
            // another instance takes shard 2 with a newer fence
            try (DatabaseSink other = new DatabaseSink(db, dialect, fx.kv.keys().namespace(), "shares", List.of(Account.MODEL))) {
                assertThat(other.claim(2, 6)).isEmpty();
            }
            assertThatThrownBy(() -> sink.write(new SinkBatch(events, positions))).isInstanceOf(
                    io.kvframework.core.sink.FencedException.class).satisfies(e -> assertThat(sink.classify((Exception) e))
                    .isEqualTo(io.kvframework.core.sink.ChangeSink.Failure.FENCED));
            Map<String, String> stored = fx.database();
            for (ShardEvent e : events) {
                boolean shard2 = e.shard() == 2;
                assertThat(stored.containsKey(e.event().key())).as("%s of shard %d", e.event().key(), e.shard()).isEqualTo(!shard2);
            }
            for (int s = 0; s < 4; s++) {
                assertThat(sink.committed(s)).as("position of shard %d", s)
                        .isEqualTo(s == 2 ? java.util.Optional.empty() : java.util.Optional.of(positions.get(s).lastEntryId()));
            }
            // written again without shard 2 (what the engine does after the fence): nothing changes, nothing fails
            List<ShardEvent> mine = events.stream().filter(e -> e.shard() != 2).toList();
            Map<Integer, SinkBatch.Position> minePositions = new java.util.LinkedHashMap<>(positions);
            minePositions.remove(2);
            sink.write(new SinkBatch(mine, minePositions));
            assertThat(fx.database()).isEqualTo(stored);
        }
    }

    @Test
    void duplicatedAndReorderedDeliveryConverges(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 4)) {
            DatabaseSink sink = new DatabaseSink(db, SqlDialect.POSTGRES, ns.value(), "test", List.of(Account.MODEL));
            sink.createTables();
            List<ShardEvent> events = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = "k" + (i % 5);
                fx.accounts.createManyWithKV(List.of());
                if (fx.accounts.findOneWithKV(ID.eq(id)).isEmpty()) {
                    fx.accounts.createWithKV(new Account(id, "o", i));
                } else {
                    fx.accounts.updateOneWithKV(BALANCE.set((long) i), ID.eq(id));
                }
            }
            fx.accounts.deleteWithKV(ID.eq("k4"));
            for (int s = 0; s < fx.kv.keys().shards(); s++) {
                for (var m : fx.redis.xrange(fx.kv.keys().streamKey(s), io.lettuce.core.Range.create("-", "+"))) {
                    events.add(new ShardEvent(s, m.getId(), ChangeEvent.fromStreamEntry(m.getBody())));
                }
            }
            List<ShardEvent> chaos = new ArrayList<>(events);
            chaos.addAll(events);
            Collections.shuffle(chaos, new Random(7));
            for (ShardEvent e : chaos) {
                sink.write(new SinkBatch(List.of(e), Map.of()));
            }
            Map<String, String> expected = new java.util.TreeMap<>();
            for (int i = 0; i < 4; i++) {
                Account a = fx.accounts.findOneWithKV(ID.eq("k" + i)).orElseThrow();
                expected.put(a.id(), DrainerFixture.row(a));
            }
            assertThat(fx.database()).isEqualTo(expected);
        }
    }

    @Test
    void poisonGoesToTheDeadLettersAndTheShardKeepsDraining(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 1)) {
            try (Drainer drainer = fx.drainer("d1")) {
                drainer.createTables();
                // the database refuses long notes: every event carrying one is poison until the column is widened
                fx.dsl().execute("alter table accounts add constraint short_note check (note is null or length(note) < 10)");
                drainer.start();
                fx.accounts.createWithKV(new Account("a", "ann", 1));
                fx.accounts.createWithKV(new Account("p", "poison", 2, "far too long a note", 0));
                fx.accounts.createWithKV(new Account("b", "bob", 3));
                fx.redis.xadd(fx.kv.keys().streamKey(0), Map.of("foreign", "entry"));
                fx.accounts.createWithKV(new Account("c", "cid", 4));
                assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
                assertThat(fx.database()).containsOnlyKeys("a", "b", "c");
                List<DeadLetter> letters = drainer.deadLetters().list(10);
                assertThat(letters).hasSize(2);
                DeadLetter poison = letters.stream().filter(l -> "p".equals(l.originalFields().get("key"))).findFirst().orElseThrow();
                assertThat(poison.error()).contains("short_note");
                assertThat(poison.originalFields()).containsEntry("op", "c").containsKey("row");
                assertThat(letters).anySatisfy(l -> assertThat(l.error()).contains("not a KV change event"));
                assertThatThrownBy(() -> drainer.replay(poison)).hasMessageContaining("short_note");
                assertThat(drainer.deadLetters().list(10)).hasSize(2);
                fx.dsl().execute("alter table accounts drop constraint short_note");
                assertThat(drainer.replay(poison)).isEqualTo(Drainer.ReplayResult.APPLIED);
                assertThat(fx.database()).containsKey("p");
                DeadLetter foreign = drainer.deadLetters().list(10).get(0);
                assertThat(drainer.deadLetters().discard(foreign.shard(), foreign.id())).isTrue();
                assertThat(drainer.deadLetters().list(10)).isEmpty();
            }
        }
    }

    @Test
    void trimmingWaitsForEveryGroup(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 1)) {
            EngineOptions options = DrainerFixture.fastEngine("d1").retainForGroups(List.of("analytics")).build();
            try (Drainer drainer = Drainer.builder(fx.kv).models(Account.MODEL).createTables(true).engineOptions(options).build().start()) {
                for (int i = 0; i < 50; i++) {
                    fx.accounts.createWithKV(new Account("a" + i, "o", i));
                }
                assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
                Thread.sleep(600);
                String stream = fx.kv.keys().streamKey(0);
                // the analytics group has read nothing: every entry must stay
                assertThat(fx.redis.xlen(stream)).isEqualTo(50);
                var read = fx.redis.xreadgroup(io.lettuce.core.Consumer.from("analytics", "x"), io.lettuce.core.XReadArgs.Builder.count(30),
                        io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(stream));
                assertThat(read).hasSize(30);
                fx.redis.xack(stream, "analytics", read.stream().limit(20).map(m -> m.getId()).toArray(String[]::new));
                Thread.sleep(600);
                // 20 acknowledged by both groups may go; the 10 read but unacknowledged and the 20 unread stay
                assertThat(fx.redis.xlen(stream)).isEqualTo(30);
                assertThat(fx.redis.xrange(stream, io.lettuce.core.Range.create("-", "+")).get(0).getId()).isEqualTo(read.get(20).getId());
                // once both groups acknowledged everything, nothing stays, not even the last entry
                var rest = fx.redis.xreadgroup(io.lettuce.core.Consumer.from("analytics", "x"), io.lettuce.core.XReadArgs.Builder.count(100),
                        io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(stream));
                assertThat(rest).hasSize(20);
                fx.redis.xack(stream, "analytics", read.stream().skip(20).map(m -> m.getId()).toArray(String[]::new));
                fx.redis.xack(stream, "analytics", rest.stream().map(m -> m.getId()).toArray(String[]::new));
                long deadline = System.currentTimeMillis() + 10_000;
                while (fx.redis.xlen(stream) > 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(fx.redis.xlen(stream)).isZero();
                // ids go on after the last one written, and the next create is drained
                fx.accounts.createWithKV(new Account("after-trim", "o", 1));
                assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
                assertThat(fx.database()).containsKey("after-trim").hasSize(51);
            }
        }
    }

    @Test
    void drainedRowsAndTombstonesLeaveRedisAfterTheirTtlAndReadsStillWork(RedisServer redis, DataSource db, TestNamespace ns)
            throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 2); Drainer drainer = fx.drainer("d1").start()) {
            for (int i = 0; i < 20; i++) {
                fx.accounts.createWithKV(new Account("a" + i, "ann", i));
            }
            fx.accounts.deleteWithKV(ID.eq("a0"));
            assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
            long deadline = System.currentTimeMillis() + 15_000;
            while (fx.redis.keys("{" + fx.namespace + ":*:r:*").size() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(fx.redis.keys("{" + fx.namespace + ":*:r:*")).isEmpty();
            assertThat(fx.redis.keys("{" + fx.namespace + ":*:i:*")).isEmpty();
            assertThat(fx.accounts.findOneWithKV(ID.eq("a5")).map(Account::balance)).contains(5L);
            assertThat(fx.accounts.findOneWithKV(ID.eq("a0"))).isEmpty();
            assertThat(fx.accounts.findAllWithKV(OWNER.eq("ann"))).hasSize(19);
        }
    }

    @Test
    void aKeyDeletedLongAgoCanBeCreatedAgainAndReachesTheDatabase(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 2); Drainer drainer = fx.drainer("d1").start()) {
            fx.accounts.createWithKV(new Account("x", "ann", 1));
            fx.accounts.updateOneWithKV(BALANCE.set(2L), ID.eq("x"));
            fx.accounts.deleteWithKV(ID.eq("x"));
            assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
            // wait until Redis has forgotten the key entirely (its tombstone was evicted)
            String row = fx.kv.keys().rowKey(fx.kv.keys().shard("accounts", "x"), "accounts", "x");
            long deadline = System.currentTimeMillis() + 15_000;
            while (fx.redis.exists(row) > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(fx.redis.exists(row)).isZero();
            Account again = fx.accounts.createWithKV(new Account("x", "bob", 5));
            assertThat(again.version()).isEqualTo(4);
            assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
            assertThat(fx.database()).containsEntry("x", "bob|5|null|4");
        }
    }

    @Test
    void aSchemaThatDoesNotFitIsReportedAtStart(RedisServer redis, DataSource db, TestNamespace ns) {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 1)) {
            fx.dsl().execute("create table accounts (id varchar(100) primary key, owner varchar(100))");
            assertThatThrownBy(() -> fx.drainer("d1").close()).isInstanceOf(io.kvframework.core.SchemaMismatchException.class)
                    .hasMessageContaining("accounts.balance: missing").hasMessageContaining("accounts.note: missing")
                    .hasMessageContaining("accounts.version: expected bigint not null, found no such column");
        }
    }

    @Test
    void anEvictionScheduleRedisRefusedIsSentAgain(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        // schedules are not waited for; one Redis refused is sent again by the next batch or sweep
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 1)) {
            String expiry = fx.kv.keys().expiryKey(0);
            fx.redis.set(expiry, "in the way"); // ZADD answers WRONGTYPE while this is here
            try (Drainer drainer = fx.drainer("d1").start()) {
                fx.accounts.createWithKV(new Account("kept", "ann", 1));
                assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
                String row = fx.kv.keys().rowKey(0, "accounts", "kept");
                Thread.sleep(1500); // past the row's 1 s in the cache: it stays, nothing scheduled its eviction
                assertThat(fx.redis.exists(row)).isEqualTo(1);
                assertThat(fx.redis.type(expiry)).isEqualTo("string");
                fx.redis.del(expiry);
                long deadline = System.currentTimeMillis() + 10_000;
                while (fx.redis.exists(row) > 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(fx.redis.exists(row)).as("the row is evicted once its schedule was sent again").isZero();
                assertThat(fx.accounts.findOneWithKV(ID.eq("kept")).map(Account::balance)).contains(1L);
            }
        }
    }
}
