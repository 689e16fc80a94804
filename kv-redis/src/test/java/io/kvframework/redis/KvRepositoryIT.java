package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.CITY;
import static io.kvframework.core.fixtures.Order.EMAIL;
import static io.kvframework.core.fixtures.Order.ID;
import static io.kvframework.core.fixtures.Order.NOTE;
import static io.kvframework.core.fixtures.Order.QTY;
import static io.kvframework.core.fixtures.Order.STATUS;
import static io.kvframework.core.fixtures.Order.TOTAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.KvRepository;
import io.kvframework.core.NonUniqueResultException;
import io.kvframework.core.OptimisticLockException;
import io.kvframework.core.Versioned;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.MariaDb;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The repository operations against real Redis and PostgreSQL. */
@KvTest
class KvRepositoryIT {
    KvFixture fx;
    KvRepository<Order> orders;

    @BeforeEach
    void setUp(RedisServer redis, DataSource db, TestNamespace ns) {
        fx = fixture(redis, db, ns, KvOptions.builder().shards(8));
        orders = fx.kv.repository(Order.MODEL);
    }

    /** The fixture the tests run on; the cluster suite overrides it. */
    KvFixture fixture(RedisServer redis, DataSource db, TestNamespace ns, KvOptions.Builder options) {
        return new KvFixture(redis, db, ns, options);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static Order order(String id, String city) {
        return new Order(id, city, Status.NEW, new BigDecimal("10.50"), 1, id + "@example.com");
    }

    @Test
    void createThenFindByKeyWithVersionAndEvent() {
        Order created = orders.createWithKV(order("o1", "Oslo"));
        assertThat(created.version()).isEqualTo(1);
        assertThat(orders.findOneWithKV(ID.eq("o1"))).contains(order("o1", "Oslo").withVersion(1));
        List<ChangeEvent> events = fx.events("orders", "o1");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.op()).isEqualTo(ChangeEvent.Op.CREATE);
            assertThat(e.version()).isEqualTo(1);
            assertThat(e.row()).containsEntry("city", "Oslo").containsEntry("total", "10.50").containsEntry("status", "NEW")
                    .containsEntry("created_at", "2026-01-02T03:04:05.123456Z").doesNotContainKey("note");
        });
    }

    @Test
    void indexKeysACreateComputesAreTheOnesTheScriptMaintains() {
        // a create sends index keys computed in Java; later writes find the old keys in Lua (HMGET + kv_enc):
        // if the two encodings differed, an update would leave the created entry behind
        String[] cities = {"", "a b", "Zürich/%:~", "emoji \uD83D\uDE00", "tab\tnew\nline", null};
        for (int i = 0; i < cities.length; i++) {
            Order o = new Order("ix" + i, cities[i], i % 2 == 0 ? null : Status.PAID, new BigDecimal("1.00"), 1, null);
            orders.createWithKV(o);
            Object[] values = Order.MODEL.values(o);
            int shard = fx.kv.keys().shard("orders", "ix" + i);
            for (var index : Order.MODEL.indexes()) {
                if (index.unique()) {
                    continue;
                }
                String key = fx.kv.keys().indexKey(shard, "orders", index.name(), KvKeys.indexValues(index, values));
                assertThat(fx.redis.smembers(key)).as("%s of %s", index.name(), cities[i]).contains("ix" + i);
            }
            orders.updateOneWithKV(Order.CITY.set("Moved"), Order.ID.eq("ix" + i));
            for (var index : Order.MODEL.indexes()) {
                if (index.unique()) {
                    continue;
                }
                String old = fx.kv.keys().indexKey(shard, "orders", index.name(), KvKeys.indexValues(index, values));
                assertThat(fx.redis.smembers(old)).as("old %s of %s", index.name(), cities[i]).doesNotContain("ix" + i);
            }
            assertThat(orders.findAllFromKvRedis(Order.CITY.eq("Moved"))).extracting(Order::id).contains("ix" + i);
        }
        // a row a read caches from the database (hydrate.lua) gets index keys computed in Java as well
        for (int i = 0; i < cities.length; i++) {
            orders.createWithKV(new Order("hx" + i, cities[i], Status.NEW, new BigDecimal("1.00"), 1, null));
        }
        fx.drain();
        for (int i = 0; i < cities.length; i++) {
            Order o = new Order("hx" + i, cities[i], Status.NEW, new BigDecimal("1.00"), 1, null);
            fx.evict(new KvFixture.KvRepositoryAccess<>(orders), o);
            int shard = fx.kv.keys().shard("orders", "hx" + i);
            String rowKey = fx.kv.keys().rowKey(shard, "orders", "hx" + i);
            assertThat(orders.findOneWithKV(Order.ID.eq("hx" + i)).map(Order::city).orElse("none")).isEqualTo(cities[i] == null ? "none"
                    : cities[i]);
            long deadline = System.currentTimeMillis() + 5_000;
            while (fx.redis.exists(rowKey) == 0 && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(fx.redis.exists(rowKey)).as("cached by the read").isOne();
            Object[] values = Order.MODEL.values(o);
            for (var index : Order.MODEL.indexes()) {
                if (!index.unique()) {
                    String key = fx.kv.keys().indexKey(shard, "orders", index.name(), KvKeys.indexValues(index, values));
                    assertThat(fx.redis.smembers(key)).as("%s of %s, cached", index.name(), cities[i]).contains("hx" + i);
                }
            }
            orders.updateOneWithKV(Order.CITY.set("Moved"), Order.ID.eq("hx" + i));
            for (var index : Order.MODEL.indexes()) {
                if (!index.unique()) {
                    String old = fx.kv.keys().indexKey(shard, "orders", index.name(), KvKeys.indexValues(index, values));
                    assertThat(fx.redis.smembers(old)).as("old %s of %s, cached", index.name(), cities[i]).doesNotContain("hx" + i);
                }
            }
        }
    }

    @Test
    void scriptsAreLoadedAgainAfterTheServerForgotThem() {
        orders.createWithKV(order("o1", "Oslo"));
        fx.redis.scriptFlush();
        orders.createWithKV(order("o2", "Oslo"));
        assertThat(orders.updateOneWithKV(QTY.set(3), ID.eq("o1")).map(Order::qty)).contains(3);
        assertThat(fx.events()).hasSize(3);
    }

    @Test
    void versionsFromTenToTheFourteenthKeepEveryDigit() {
        // write.lua turns the version into text itself: Lua's tostring writes 1e+14 from 10^14 on
        orders.createWithKV(order("o1", "Oslo"));
        String rowKey = fx.kv.keys().rowKey(fx.kv.keys().shard("orders", "o1"), "orders", "o1");
        fx.redis.hset(rowKey, "_v", "99999999999999");
        assertThat(orders.updateOneWithKV(QTY.set(3), ID.eq("o1")).map(Order::version)).contains(100_000_000_000_000L);
        assertThat(fx.redis.hget(rowKey, "_v")).isEqualTo("100000000000000");
        fx.redis.hset(rowKey, "_v", "9007199254740990");
        assertThat(orders.updateOneWithKV(QTY.set(4), ID.eq("o1")).map(Order::version)).contains(9_007_199_254_740_991L);
        assertThat(fx.redis.hget(rowKey, "_v")).isEqualTo("9007199254740991");
        assertThat(orders.findOneVersionedWithKV(ID.eq("o1")).map(Versioned::version)).contains(9_007_199_254_740_991L);
        assertThat(fx.events("orders", "o1")).extracting(ChangeEvent::version).containsExactly(1L, 100_000_000_000_000L, 9_007_199_254_740_991L);
    }

    @Test
    void everyEventsTimeIsTheMillisecondOfItsEntryId() {
        // write.lua puts ts together from TIME's two texts (seconds, microseconds): a microsecond count below 100,000
        // must keep its leading zeros (1,234 us is millisecond 001), else ts is off by 90 ms or more
        for (int i = 0; i < 400; i++) {
            orders.createWithKV(order("t" + i, "Oslo"));
        }
        int checked = 0;
        for (String stream : fx.kv.keys().streamKeys()) {
            for (StreamMessage<String, String> m : fx.redis.xrange(stream, Range.create("-", "+"))) {
                long idMillis = Long.parseLong(m.getId().substring(0, m.getId().indexOf('-')));
                assertThat(Long.parseLong(m.getBody().get("ts"))).as(m.getId()).isBetween(idMillis - 50, idMillis + 50);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(400);
    }

    @Test
    void staleIndexMembersAreRemovedWhenReadersMeetThem() {
        orders.createWithKV(order("o1", "Oslo"));
        int shard = fx.kv.keys().shard("orders", "o1");
        String indexKey = fx.kv.keys().indexKey(shard, "orders", "by_city", "Oslo");
        fx.redis.del(fx.kv.keys().rowKey(shard, "orders", "o1"));
        assertThat(fx.redis.sismember(indexKey, "o1")).isTrue();
        assertThat(orders.findAllFromKvRedis(CITY.eq("Oslo"))).isEmpty();
        assertThat(fx.redis.sismember(indexKey, "o1")).isFalse();
    }

    @Test
    void duplicateCreateFailsAndChangesNothing() {
        orders.createWithKV(order("o1", "Oslo"));
        assertThatThrownBy(() -> orders.createWithKV(order("o1", "Bergen").withVersion(0)))
                .isInstanceOf(DuplicateKeyException.class).hasMessageContaining("o1");
        assertThat(orders.findOneWithKV(ID.eq("o1")).map(Order::city)).contains("Oslo");
        assertThat(fx.events()).hasSize(1);
    }

    @Test
    void createOfAKeyThatExpiredFromRedisButIsInTheDatabaseFails() {
        orders.createWithKV(order("o1", "Oslo"));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("o1", "Oslo"));
        assertThat(fx.redis.exists(fx.kv.keys().rowKey(fx.kv.keys().shard("orders", "o1"), "orders", "o1"))).isZero();
        assertThatThrownBy(() -> orders.createWithKV(new Order("o1", "Bergen", Status.NEW, BigDecimal.ONE, 1, "other@example.com")))
                .isInstanceOf(DuplicateKeyException.class).hasMessageContaining("database");
        assertThat(fx.events()).hasSize(1);
        // the failed create cached the database row: reads stay correct
        assertThat(orders.findOneWithKV(ID.eq("o1")).map(Order::city)).contains("Oslo");
    }

    @Test
    void createOfAKeyOnlyInTheDatabaseFailsWithTheDatabaseCheck(RedisServer redis, DataSource db, TestNamespace ns) {
        try (KvFixture strict = fixture(redis, db, new TestNamespace(ns.value() + "s"),
                KvOptions.builder().shards(4).createCheck(KvOptions.CreateCheck.DATABASE))) {
            KvRepository<Order> repo = strict.kv.repository(Order.MODEL);
            strict.dsl().execute("insert into orders (id, city, qty, version) values ('legacy', 'Oslo', 1, 7)");
            assertThatThrownBy(() -> repo.createWithKV(order("legacy", "Bergen"))).isInstanceOf(DuplicateKeyException.class);
            assertThat(repo.findOneVersionedWithKV(ID.eq("legacy")).map(Versioned::version)).contains(7L);
            assertThat(repo.createWithKV(order("fresh", "Bergen")).version()).isEqualTo(1);
        }
    }

    @Test
    void createsCheckedWithTheDatabaseWorkBeforeAnyDrainerMadeItsTombstoneTable(RedisServer redis, IsolatedDatabase db, TestNamespace ns) {
        createsWithoutTheTombstoneTable(redis, db, ns);
    }

    @Test
    void createsCheckedWithMariaDbWorkBeforeAnyDrainerMadeItsTombstoneTable(RedisServer redis, @MariaDb IsolatedDatabase db, TestNamespace ns) {
        createsWithoutTheTombstoneTable(redis, db, ns);
    }

    /** The entity table exists (the application's migrations made it), the drainer's kv_drainer_tombstones does not yet. */
    private void createsWithoutTheTombstoneTable(RedisServer redis, IsolatedDatabase db, TestNamespace ns) {
        try (KvFixture strict = fixture(redis, db.dataSource(), new TestNamespace(ns.value() + "t"),
                KvOptions.builder().shards(4).createCheck(KvOptions.CreateCheck.DATABASE))) {
            strict.dsl().execute("drop table " + io.kvframework.sql.Tombstones.TABLE);
            if (strict.kv.dialect() == io.kvframework.core.SqlDialect.POSTGRES) {
                // a table of the application with types jOOQ's catalog reader does not know: the check must not read the catalog
                strict.dsl().execute("create table odd_types (a tsvector, b int4range, c pg_lsn, d money, e xml, f \"char\", g aclitem,"
                        + " h regclass, i oidvector, j txid_snapshot, k jsonpath, l point, m circle, n interval, o macaddr8)");
            }
            KvRepository<Order> repo = strict.kv.repository(Order.MODEL);
            for (int i = 0; i < 20; i++) {
                repo.createWithKV(order("t" + i, "Oslo"));
            }
            assertThat(repo.findAllFromKvRedis(CITY.eq("Oslo"))).hasSize(20);
            assertThatThrownBy(() -> repo.createWithKV(order("t3", "Bergen"))).isInstanceOf(DuplicateKeyException.class);
        }
    }

    @Test
    void updateOneIncrementsVersionAndEmitsTheFullRow() {
        orders.createWithKV(order("o1", "Oslo"));
        Optional<Order> updated = orders.updateOneWithKV(STATUS.set(Status.PAID).and(NOTE.set("rush")), ID.eq("o1"));
        assertThat(updated).hasValueSatisfying(o -> {
            assertThat(o.status()).isEqualTo(Status.PAID);
            assertThat(o.note()).isEqualTo("rush");
            assertThat(o.city()).isEqualTo("Oslo");
            assertThat(o.version()).isEqualTo(2);
        });
        ChangeEvent last = fx.events("orders", "o1").get(1);
        assertThat(last.op()).isEqualTo(ChangeEvent.Op.UPDATE);
        assertThat(last.row()).containsEntry("status", "PAID").containsEntry("note", "rush").containsEntry("city", "Oslo")
                .containsEntry("email", "o1@example.com");
        assertThat(orders.updateOneWithKV(NOTE.set(null), ID.eq("o1")).map(Order::note)).isEmpty();
        assertThat(fx.events("orders", "o1").get(2).row()).doesNotContainKey("note");
        assertThat(orders.updateOneWithKV(NOTE.set("x"), ID.eq("missing"))).isEmpty();
    }

    @Test
    void optimisticLockRejectsAStaleVersionAndChangesNothing() {
        orders.createWithKV(order("o1", "Oslo"));
        orders.updateOneWithKV(QTY.set(2), ID.eq("o1"), 1);
        assertThatThrownBy(() -> orders.updateOneWithKV(QTY.set(3), ID.eq("o1"), 1))
                .isInstanceOf(OptimisticLockException.class).hasMessageContaining("version 2");
        assertThat(orders.findOneWithKV(ID.eq("o1")).map(Order::qty)).contains(2);
        assertThat(fx.events()).hasSize(2);
    }

    @Test
    void deleteLeavesATombstoneSoTheDatabaseCannotResurrectTheRow() {
        orders.createWithKV(order("o1", "Oslo"));
        orders.createWithKV(order("o2", "Oslo"));
        fx.drain();
        assertThat(orders.deleteWithKV(ID.eq("o1"))).isEqualTo(1);
        assertThat(fx.databaseVersions("orders")).containsKey("o1");
        assertThat(orders.findOneWithKV(ID.eq("o1"))).isEmpty();
        assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).extracting(Order::id).containsExactly("o2");
        assertThat(fx.events("orders", "o1").get(1).op()).isEqualTo(ChangeEvent.Op.DELETE);
        assertThat(fx.events("orders", "o1").get(1).row()).containsEntry("city", "Oslo");
        fx.drain();
        assertThat(fx.databaseVersions("orders")).doesNotContainKey("o1");
        // re-create continues the version sequence, so the database can never go back
        assertThat(orders.createWithKV(order("o1", "Bergen")).version()).isEqualTo(3);
        assertThat(orders.deleteWithKV(ID.eq("nope"))).isZero();
    }

    @Test
    void findAllMergesRedisAndDatabaseByKeyAndVersion() {
        // a: only in the database (drained, then evicted from Redis)
        // b: drained, then moved to Bergen in Redis (database still says Oslo)
        // c: drained, then deleted in Redis (database still has it)
        // d: only in Redis (not drained yet)
        // e: drained and still cached
        // f: drained, evicted, lives in Bergen
        for (String id : List.of("a", "b", "c", "e")) {
            orders.createWithKV(order(id, "Oslo"));
        }
        orders.createWithKV(order("f", "Bergen"));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("a", "Oslo"));
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("f", "Bergen"));
        orders.updateOneWithKV(CITY.set("Bergen"), ID.eq("b"));
        orders.deleteWithKV(ID.eq("c"));
        orders.createWithKV(order("d", "Oslo"));

        assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).extracting(Order::id).containsExactlyInAnyOrder("a", "d", "e");
        assertThat(orders.findAllWithKV(CITY.eq("Bergen"))).extracting(Order::id).containsExactlyInAnyOrder("b", "f");
        assertThat(orders.findAllWithKV(CITY.in("Oslo", "Bergen"))).hasSize(5).doesNotHaveDuplicates();
        assertThat(orders.findAllFromKvRedis(CITY.eq("Oslo"))).extracting(Order::id).containsExactlyInAnyOrder("d", "e");
        assertThat(orders.findAllWithKV(CITY.eq("Bergen").and(STATUS.eq(Status.NEW)))).extracting(Order::id)
                .containsExactlyInAnyOrder("b", "f");
        assertThat(orders.findAllWithKV(CITY.eq("Oslo").and(TOTAL.gt(new BigDecimal("10.5"))))).isEmpty();
        assertThat(orders.findAllWithKV(CITY.eq("Oslo").and(TOTAL.ge(new BigDecimal("10.5"))))).hasSize(3);
        // key lookups merge the same way
        assertThat(orders.findAllWithKV(ID.in("a", "b", "c", "d", "x"))).extracting(Order::id).containsExactlyInAnyOrder("a", "b", "d");
        assertThat(orders.findOneWithKV(ID.eq("a")).map(Order::city)).contains("Oslo");
    }

    @Test
    void updateAndDeleteReachRowsThatAreOnlyInTheDatabase() {
        orders.createWithKV(order("a", "Oslo"));
        orders.createWithKV(order("b", "Oslo"));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("a", "Oslo"));
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("b", "Oslo"));
        assertThat(orders.updateWithKV(QTY.set(9), CITY.eq("Oslo"))).extracting(Order::version).containsOnly(2L);
        assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).extracting(Order::qty).containsOnly(9);
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("a", "Oslo"));
        assertThat(orders.deleteWithKV(CITY.eq("Oslo"))).isEqualTo(2);
        assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).isEmpty();
        fx.drain();
        assertThat(fx.databaseVersions("orders")).isEmpty();
    }

    @Test
    void findOneByIndexRefusesSeveralMatches() {
        orders.createWithKV(order("a", "Oslo"));
        orders.createWithKV(order("b", "Oslo"));
        assertThatThrownBy(() -> orders.findOneWithKV(CITY.eq("Oslo"))).isInstanceOf(NonUniqueResultException.class);
        assertThatThrownBy(() -> orders.updateOneWithKV(QTY.set(1), CITY.eq("Oslo"))).isInstanceOf(NonUniqueResultException.class);
        assertThat(orders.findOneWithKV(EMAIL.eq("a@example.com")).map(Order::id)).contains("a");
    }

    @Test
    void uniqueIndexRejectsATakenValueInRedisAndInTheDatabase() {
        orders.createWithKV(order("a", "Oslo"));
        assertThatThrownBy(() -> orders.createWithKV(new Order("b", "Oslo", Status.NEW, BigDecimal.ONE, 1, "a@example.com")))
                .isInstanceOf(DuplicateKeyException.class).hasMessageContaining("by_email");
        orders.createWithKV(order("b", "Oslo"));
        assertThatThrownBy(() -> orders.updateOneWithKV(EMAIL.set("a@example.com"), ID.eq("b")))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(orders.findOneWithKV(ID.eq("b")).map(Order::email)).contains("b@example.com");
        // moving a value frees the old one
        orders.updateOneWithKV(EMAIL.set("new-a@example.com"), ID.eq("a"));
        assertThat(orders.updateOneWithKV(EMAIL.set("a@example.com"), ID.eq("b")).map(Order::email)).contains("a@example.com");
        // deleting frees the value
        orders.deleteWithKV(ID.eq("b"));
        assertThat(orders.createWithKV(new Order("c", "Oslo", Status.NEW, BigDecimal.ONE, 1, "a@example.com")).id()).isEqualTo("c");
        // a value whose row is only in the database is still taken
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), new Order("c", "Oslo", Status.NEW, BigDecimal.ONE, 1, "a@example.com"));
        assertThatThrownBy(() -> orders.createWithKV(new Order("d", "Oslo", Status.NEW, BigDecimal.ONE, 1, "a@example.com")))
                .isInstanceOf(DuplicateKeyException.class);
        // nulls never conflict
        orders.createWithKV(new Order("n1", "Oslo", Status.NEW, BigDecimal.ONE, 1, null));
        orders.createWithKV(new Order("n2", "Oslo", Status.NEW, BigDecimal.ONE, 1, null));
    }

    @Test
    void readsYourWritesFromAnotherClient(RedisServer redis, DataSource db) {
        orders.createWithKV(order("o1", "Oslo"));
        try (KvFixture other = fixture(redis, db, new TestNamespace(fx.namespace), KvOptions.builder().shards(8))) {
            KvRepository<Order> theirs = other.kv.repository(Order.MODEL);
            assertThat(theirs.findOneWithKV(ID.eq("o1")).map(Order::city)).contains("Oslo");
            theirs.updateOneWithKV(CITY.set("Bergen"), ID.eq("o1"));
            assertThat(orders.findAllWithKV(CITY.eq("Bergen"))).extracting(Order::id).containsExactly("o1");
            assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).isEmpty();
        }
    }

    @Test
    void createManyPipelinesAndReportsTheFirstFailure() {
        List<Order> many = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(order("m" + i, i % 2 == 0 ? "Oslo" : "Bergen"));
        }
        assertThat(orders.createManyWithKV(many)).hasSize(50);
        assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).hasSize(25);
        assertThatThrownBy(() -> orders.createManyWithKV(List.of(order("m0", "Oslo"), order("m99", "Oslo"))))
                .isInstanceOf(io.kvframework.core.PartialWriteException.class).hasCauseInstanceOf(DuplicateKeyException.class)
                .satisfies(e -> assertThat(((io.kvframework.core.PartialWriteException) e).outcomes()).extracting(o -> o.status())
                        .containsExactly(io.kvframework.core.PartialWriteException.Status.NOT_WRITTEN,
                                io.kvframework.core.PartialWriteException.Status.WRITTEN));
        assertThat(orders.findOneWithKV(ID.eq("m99"))).isPresent();
    }

    /** An update of many rows that clashes on a unique index part-way says which rows it changed and which it did not. */
    @Test
    void updateOfManyRowsReportsEachRowsOutcome() {
        orders.createWithKV(order("u1", "Tromso"));
        orders.createWithKV(order("u2", "Tromso"));
        orders.createWithKV(order("u3", "Tromso"));
        var partial = org.assertj.core.api.Assertions.catchThrowableOfType(
                io.kvframework.core.PartialWriteException.class, () -> orders.updateWithKV(EMAIL.set("same@example.com"), CITY.eq("Tromso")));
        assertThat(partial).isNotNull();
        assertThat(partial.getMessage()).contains("1 of 3 rows written, 2 not written");
        var written = partial.outcomes(io.kvframework.core.PartialWriteException.Status.WRITTEN);
        assertThat(written).hasSize(1);
        assertThat(partial.outcomes(io.kvframework.core.PartialWriteException.Status.NOT_WRITTEN)).hasSize(2)
                .allSatisfy(o -> assertThat(o.error()).isInstanceOf(io.kvframework.core.DuplicateKeyException.class));
        String winner = ((Order) written.get(0).entity()).id();
        // what the exception says is what the store holds
        assertThat(orders.findAllWithKV(EMAIL.eq("same@example.com"))).extracting(Order::id).containsExactly(winner);
        assertThat(orders.findAllWithKV(CITY.eq("Tromso"))).filteredOn(o -> !o.id().equals(winner))
                .allSatisfy(o -> assertThat(o.version()).isEqualTo(1L));
    }
}
