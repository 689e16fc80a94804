package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.CITY;
import static io.kvframework.core.fixtures.Order.EMAIL;
import static io.kvframework.core.fixtures.Order.ID;
import static io.kvframework.core.fixtures.Order.NOTE;
import static io.kvframework.core.fixtures.Order.STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvRepository;
import io.kvframework.core.OptimisticLockException;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** saveWithKV, deleteOneWithKV, countWithKV and existsWithKV, with the G3 cases, against real servers. */
@KvTest
class SaveCountIT {
    KvFixture fx;
    KvRepository<Order> orders;

    @BeforeEach
    void setUp(RedisServer redis, DataSource db, TestNamespace ns) {
        fx = fixture(redis, db, ns);
        orders = fx.kv.repository(Order.MODEL);
    }

    /** The fixture the tests run on; the cluster and MariaDB suites override it. */
    KvFixture fixture(RedisServer redis, DataSource db, TestNamespace ns) {
        return new KvFixture(redis, db, ns, KvOptions.builder().shards(8));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static Order order(String id, String city, String note) {
        return new Order(id, city, Status.NEW, new BigDecimal("10.50"), 1, id + "@example.com", Instant.parse("2026-01-02T03:04:05Z"),
                note, 0);
    }

    @Test
    void saveCreatesThenReplacesTheWholeRowAndMovesItsIndexEntries() {
        Order first = orders.saveWithKV(order("s1", "Oslo", "first"));
        assertThat(first.version()).isEqualTo(1);
        // the version component is ignored; a null column is cleared
        Order second = orders.saveWithKV(order("s1", "Bergen", null).withVersion(77));
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.note()).isNull();
        assertThat(orders.findOneWithKV(ID.eq("s1"))).contains(second);
        assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).isEmpty();
        assertThat(orders.findAllWithKV(CITY.eq("Bergen"))).containsExactly(second);
        assertThat(fx.events(Order.MODEL.table(), "s1")).extracting(e -> e.op().code()).containsExactly("c", "u");
    }

    @Test
    void saveWithAnExpectedVersionIsRefusedWhenTheRowMovedOnAndChangesNothing() {
        orders.saveWithKV(order("s2", "Oslo", "a"), 0);
        assertThatThrownBy(() -> orders.saveWithKV(order("s2", "Rome", "b"), 0)).isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> orders.saveWithKV(order("s2", "Rome", "b"), 7)).isInstanceOf(OptimisticLockException.class)
                .hasMessageContaining("expected version 7 but the row has version 1");
        assertThatThrownBy(() -> orders.saveWithKV(order("nobody", "Rome", "b"), 3)).isInstanceOf(OptimisticLockException.class)
                .hasMessageContaining("no such row");
        assertThatThrownBy(() -> orders.saveWithKV(order("s2", "Rome", "b"), -2)).isInstanceOf(InvalidValueException.class);
        assertThat(orders.findOneWithKV(ID.eq("s2")).orElseThrow().city()).isEqualTo("Oslo");
        assertThat(orders.saveWithKV(order("s2", "Rome", "b"), 1).version()).isEqualTo(2);
    }

    @Test
    void saveOverARowThatLeftRedisContinuesItsVersionsAndReachesTheDatabase() {
        Order created = orders.createWithKV(order("s3", "Oslo", "a"));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), created);
        Order saved = orders.saveWithKV(order("s3", "Lima", "b"));
        assertThat(saved.version()).isEqualTo(2);
        assertThat(orders.saveWithKV(order("s3", "Lima", "c"), 2).version()).isEqualTo(3);
        fx.drain();
        assertThat(fx.databaseVersions(Order.MODEL.table())).containsEntry("s3", 3L);
    }

    @Test
    void saveKeepsUniqueValuesUnique() {
        orders.createWithKV(order("u1", "Oslo", "a"));
        orders.createWithKV(order("u2", "Oslo", "a"));
        Order taken = new Order("u2", "Oslo", Status.NEW, BigDecimal.ONE, 1, "u1@example.com");
        assertThatThrownBy(() -> orders.saveWithKV(taken)).isInstanceOf(DuplicateKeyException.class);
        assertThat(orders.findOneWithKV(ID.eq("u2")).orElseThrow().email()).isEqualTo("u2@example.com");
        // a new value frees the old one
        orders.saveWithKV(new Order("u1", "Oslo", Status.NEW, BigDecimal.ONE, 1, "new@example.com"));
        assertThat(orders.saveWithKV(taken).email()).isEqualTo("u1@example.com");
        assertThat(orders.findOneWithKV(EMAIL.eq("u1@example.com")).map(Order::id)).contains("u2");
    }

    @Test
    void concurrentSavesOfOneKeyAreEachAppliedOnce() throws Exception {
        int writers = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                Callable<List<Long>> task = () -> {
                    List<Long> versions = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        versions.add(orders.saveWithKV(order("hot", "C" + id, "w" + id + "-" + i)).version());
                    }
                    return versions;
                };
                futures.add(pool.submit(task));
            }
            Set<Long> versions = new HashSet<>();
            for (Future<List<Long>> f : futures) {
                versions.addAll(f.get());
            }
            // every save got its own version: none overwrote another without counting
            assertThat(versions).hasSize(writers * each);
            assertThat(orders.findOneWithKV(ID.eq("hot")).orElseThrow().version()).isEqualTo(writers * each);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteOneByKeySaysWhetherARowWasDeleted() {
        orders.createWithKV(order("d1", "Oslo", "a"));
        assertThat(orders.deleteOneWithKV(ID.eq("d1"))).isTrue();
        assertThat(orders.deleteOneWithKV(ID.eq("d1"))).isFalse();
        assertThat(orders.findOneWithKV(ID.eq("d1"))).isEmpty();
        assertThatThrownBy(() -> orders.deleteOneWithKV(CITY.eq("Oslo"))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("equality on every primary key column [id]");
        assertThatThrownBy(() -> orders.deleteOneWithKV(ID.eq("d1").and(NOTE.eq("x")))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> orders.deleteOneWithKV(null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void countAndExistsFollowRedisForUndrainedMovesAndDeletesAndSeeRowsOnlyInTheDatabase() {
        Order a = orders.createWithKV(order("c1", "Oslo", "a"));
        orders.createWithKV(order("c2", "Oslo", "a"));
        orders.createWithKV(order("c3", "Oslo", "a"));
        orders.createWithKV(order("c4", "Rome", "a"));
        fx.drain();
        // a row only in the database
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), a);
        // moved to another city and deleted, neither drained
        orders.updateOneWithKV(CITY.set("Rome"), ID.eq("c2"));
        orders.deleteWithKV(ID.eq("c3"));
        assertThat(orders.countWithKV(CITY.eq("Oslo"))).isEqualTo(1);
        assertThat(orders.countWithKV(CITY.eq("Rome"))).isEqualTo(2);
        assertThat(orders.countWithKV(CITY.eq("Rome").and(STATUS.eq(Status.NEW)))).isEqualTo(2);
        assertThat(orders.countWithKV(CITY.in("Oslo", "Rome"))).isEqualTo(3);
        assertThat(orders.existsWithKV(ID.eq("c1"))).isTrue();
        assertThat(orders.existsWithKV(ID.eq("c3"))).isFalse();
        assertThat(orders.existsWithKV(CITY.eq("Paris"))).isFalse();
        assertThat(orders.countWithKV(ID.in("c1", "c2", "c3", "c4", "none"))).isEqualTo(3);
        // the counts agree with the database once everything is drained
        fx.drain();
        assertThat(fx.databaseVersions(Order.MODEL.table())).hasSize(3);
    }

    @Test
    void anOrIsTheUnionOfItsConjunctionsWithTheRulesOfFindAll() {
        Order o1 = orders.createWithKV(order("r1", "Oslo", "a"));
        orders.createWithKV(order("r2", "Rome", "a"));
        orders.createWithKV(order("r3", "Lima", "a"));
        orders.createWithKV(new Order("r4", "Oslo", Status.PAID, BigDecimal.ONE, 1, "r4@example.com"));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), o1);          // only in the database
        orders.updateOneWithKV(CITY.set("Paris"), ID.eq("r2"));             // moved, not drained
        orders.deleteWithKV(ID.eq("r3"));                                   // deleted, not drained
        io.kvframework.core.Where<Order> any = CITY.eq("Oslo").or(CITY.eq("Lima")).or(CITY.eq("Paris"));
        assertThat(orders.findAllWithKV(any)).extracting(Order::id).containsExactlyInAnyOrder("r1", "r4", "r2");
        assertThat(orders.countWithKV(any)).isEqualTo(3);
        assertThat(orders.countWithKV(CITY.eq("Rome").or(CITY.eq("Lima")))).isZero();
        // a row two conjunctions match is there once
        assertThat(orders.findAllWithKV(CITY.eq("Oslo").or(ID.eq("r4")))).extracting(Order::id).containsExactlyInAnyOrder("r1", "r4");
        // AND over an OR distributes
        assertThat(orders.findAllWithKV(CITY.eq("Oslo").or(CITY.eq("Lima")).and(STATUS.eq(Status.PAID)))).extracting(Order::id)
                .containsExactly("r4");
        assertThat(orders.queryWithKV(any).orderBy(CITY).list()).extracting(Order::id).containsExactly("r1", "r4", "r2");
        assertThatThrownBy(() -> orders.findOneWithKV(any)).isInstanceOf(io.kvframework.core.NonUniqueResultException.class);
        // each matched row is updated once, however many conjunctions match it
        assertThat(orders.updateWithKV(NOTE.set("seen"), CITY.eq("Oslo").or(ID.eq("r4")))).extracting(Order::version)
                .containsExactlyInAnyOrder(2L, 2L);
        assertThat(orders.deleteWithKV(ID.eq("r1").or(ID.eq("r2")))).isEqualTo(2);
        assertThatThrownBy(() -> orders.deleteOneWithKV(ID.eq("r1").or(ID.eq("r2")))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> orders.findAllWithKV(CITY.eq("x").or(NOTE.eq("y"))))
                .isInstanceOf(io.kvframework.core.UnindexedQueryException.class);
    }

    @Test
    void aLeadingPartOfACompositeKeyIsAQueryWithTheRulesOfFindAll() {
        KvRepository<io.kvframework.core.fixtures.Line> lines = fx.kv.repository(io.kvframework.core.fixtures.Line.MODEL);
        io.kvframework.core.fixtures.Line first = lines.createWithKV(new io.kvframework.core.fixtures.Line("p1", "1", "a", 1));
        lines.createWithKV(new io.kvframework.core.fixtures.Line("p1", "2", "b", 2));
        lines.createWithKV(new io.kvframework.core.fixtures.Line("p2", "1", "c", 3));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(lines), first);                        // only in the database
        lines.deleteWithKV(io.kvframework.core.fixtures.Line.ORDER_ID.eq("p1").and(io.kvframework.core.fixtures.Line.LINE_NO.eq("2")));
        lines.createWithKV(new io.kvframework.core.fixtures.Line("p1", "3", "d", 4));   // neither drained
        assertThat(lines.findAllWithKV(io.kvframework.core.fixtures.Line.ORDER_ID.eq("p1"))).extracting(l -> l.lineNo())
                .containsExactlyInAnyOrder("1", "3");
        assertThat(lines.countWithKV(io.kvframework.core.fixtures.Line.ORDER_ID.eq("p1"))).isEqualTo(2);
        assertThat(lines.updateWithKV(io.kvframework.core.fixtures.Line.QTY.set(9), io.kvframework.core.fixtures.Line.ORDER_ID.eq("p1")))
                .hasSize(2).allSatisfy(l -> assertThat(l.qty()).isEqualTo(9));
        fx.drain();
        assertThat(fx.dsl().fetchCount(org.jooq.impl.DSL.table(org.jooq.impl.DSL.name("lines")))).isEqualTo(3);
    }

    @Test
    void aCountOfAnUnindexedColumnIsRefusedLikeAQuery() {
        assertThatThrownBy(() -> orders.countWithKV(NOTE.eq("x"))).isInstanceOf(io.kvframework.core.UnindexedQueryException.class);
        assertThatThrownBy(() -> orders.existsWithKV(null)).isInstanceOf(io.kvframework.core.UnindexedQueryException.class)
                .hasMessageContaining("a where-clause is required");
    }
}
