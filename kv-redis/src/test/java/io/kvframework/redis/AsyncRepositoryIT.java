package io.kvframework.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvAsyncRepository;
import io.kvframework.core.OptimisticLockException;
import io.kvframework.core.fixtures.Line;
import io.kvframework.core.fixtures.Order;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The asynchronous repository against real servers: same results, errors and metrics as the blocking one. */
@KvTest
class AsyncRepositoryIT {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KvFixture fx;
    KvAsyncRepository<Line> lines;

    @BeforeEach
    void setUp(RedisServer redis, DataSource db, TestNamespace ns) {
        fx = fixture(redis, db, ns, KvOptions.builder().shards(8).meterRegistry(meters));
        lines = fx.kv.asyncRepository(Line.MODEL);
    }

    /** The fixture the tests run on; the cluster suite overrides it. */
    KvFixture fixture(RedisServer redis, DataSource db, TestNamespace ns, KvOptions.Builder options) {
        return new KvFixture(redis, db, ns, options);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static Throwable failure(CompletionStage<?> stage) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> stage.toCompletableFuture().join());
        assertThat(t).isInstanceOf(CompletionException.class);
        return t.getCause();
    }

    private static Line line(String order, String no, int qty) {
        return new Line(order, no, "sku-" + no, qty);
    }

    private static io.kvframework.core.Where<Line> key(String order, String no) {
        return Line.ORDER_ID.eq(order).and(Line.LINE_NO.eq(no));
    }

    @Test
    void everyCallByKeyWorksAndCountsLikeTheBlockingOne() {
        Line created = join(lines.createWithKV(line("o1", "1", 2)));
        assertThat(created.qty()).isEqualTo(2);
        assertThat(join(lines.findOneWithKV(key("o1", "1")))).contains(created);
        assertThat(join(lines.findOneVersionedWithKV(key("o1", "1"))).orElseThrow().version()).isEqualTo(1);
        assertThat(join(lines.updateOneWithKV(Line.QTY.set(5), key("o1", "1"))).orElseThrow().qty()).isEqualTo(5);
        assertThat(join(lines.updateOneWithKV(Line.QTY.set(6), key("o1", "1"), 2)).orElseThrow().qty()).isEqualTo(6);
        assertThat(join(lines.saveWithKV(line("o1", "1", 9))).qty()).isEqualTo(9);
        assertThat(fx.kv.repository(Line.MODEL).findOneWithKV(key("o1", "1")).orElseThrow().qty()).isEqualTo(9);
        assertThat(join(lines.deleteOneWithKV(key("o1", "1")))).isTrue();
        assertThat(join(lines.deleteWithKV(key("o1", "1")))).isZero();
        assertThat(join(lines.findOneWithKV(key("o1", "1")))).isEmpty();
        assertThat(join(lines.updateOneWithKV(Line.QTY.set(1), key("o1", "1")))).isEmpty();
        for (String op : new String[] {"create", "update", "save", "delete"}) {
            assertThat(meters.find("kv.writes").tag("table", "lines").tag("op", op).counter().count()).as(op).isGreaterThanOrEqualTo(1.0);
        }
        assertThat(meters.find("kv.reads").tag("table", "lines").tag("source", "redis").counter().count()).isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void failuresCompleteTheStageWithTheBlockingCallsExceptions() {
        join(lines.createWithKV(line("o2", "1", 1)));
        assertThat(failure(lines.createWithKV(line("o2", "1", 1)))).isInstanceOf(DuplicateKeyException.class);
        assertThat(failure(lines.updateOneWithKV(Line.QTY.set(3), key("o2", "1"), 7))).isInstanceOf(OptimisticLockException.class)
                .hasMessageContaining("expected version 7 but the row has version 1");
        assertThat(failure(lines.saveWithKV(line("o2", "1", 3), 0))).isInstanceOf(DuplicateKeyException.class);
        // bad input is a failed stage, not an exception thrown at the caller
        CompletionStage<Line> bad = lines.createWithKV(null);
        assertThat(failure(bad)).isInstanceOf(InvalidValueException.class);
        assertThat(failure(lines.deleteOneWithKV(Line.ORDER_ID.eq("o2")))).isInstanceOf(InvalidValueException.class);
        assertThat(failure(lines.findOneWithKV(Line.QTY.eq(1)))).isInstanceOf(io.kvframework.core.UnindexedQueryException.class);
    }

    @Test
    void aRowThatLeftRedisIsReadFromTheDatabaseAndUpdatedThere() {
        Line created = join(lines.createWithKV(line("o3", "1", 4)));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(fx.kv.repository(Line.MODEL)), created);
        assertThat(join(lines.findOneWithKV(key("o3", "1")))).contains(created);
        fx.evict(new KvFixture.KvRepositoryAccess<>(fx.kv.repository(Line.MODEL)), created);
        assertThat(join(lines.updateOneWithKV(Line.QTY.set(8), key("o3", "1"))).orElseThrow().qty()).isEqualTo(8);
        assertThat(join(lines.findOneVersionedWithKV(key("o3", "1"))).orElseThrow().version()).isEqualTo(2);
        assertThat(join(lines.countWithKV(Line.ORDER_ID.eq("o3")))).isEqualTo(1L);
        assertThat(join(lines.findAllWithKV(Line.ORDER_ID.eq("o3")))).extracting(Line::qty).containsExactly(8);
    }

    @Test
    void queriesMergeRedisAndTheDatabaseLikeTheBlockingOnes() {
        Line evicted = join(lines.createWithKV(line("q1", "1", 1)));
        join(lines.createWithKV(line("q1", "2", 2)));
        join(lines.createWithKV(line("q2", "1", 3)));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(fx.kv.repository(Line.MODEL)), evicted);    // only in the database
        join(lines.deleteWithKV(key("q1", "2")));                                              // not drained
        join(lines.createWithKV(line("q1", "3", 4)));                                          // not drained
        assertThat(join(lines.findAllWithKV(Line.ORDER_ID.eq("q1")))).extracting(Line::lineNo).containsExactlyInAnyOrder("1", "3");
        assertThat(join(lines.findAllFromKvRedis(Line.ORDER_ID.eq("q1")))).extracting(Line::lineNo).containsExactly("3");
        assertThat(join(lines.countWithKV(Line.ORDER_ID.eq("q1").or(Line.ORDER_ID.eq("q2"))))).isEqualTo(3L);
        assertThat(join(lines.existsWithKV(Line.SKU.eq("sku-2")))).isFalse();
        assertThat(join(lines.findOneWithKV(Line.SKU.eq("sku-3")))).map(Line::orderId).contains("q1");
        assertThat(failure(lines.findOneWithKV(Line.ORDER_ID.eq("q1")))).isInstanceOf(io.kvframework.core.NonUniqueResultException.class);
        assertThat(failure(lines.findAllWithKV(null))).isInstanceOf(io.kvframework.core.UnindexedQueryException.class);
        assertThat(meters.find("kv.reads").tag("table", "lines").tag("source", "database").counter().count()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void oneThreadDrivesAThousandCreatesWithoutABlockingThread() {
        List<CompletableFuture<Line>> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(lines.createWithKV(line("o4", Integer.toString(i), i)).toCompletableFuture());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        assertThat(join(lines.findOneWithKV(key("o4", "999"))).orElseThrow().qty()).isEqualTo(999);
        // creates of new keys and reads that hit Redis never waited on a thread of the blocking executor
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("kv-blocking"));
    }

    @Test
    void anEntityWithUniqueIndexesTakesTheBlockingPathWithItsClaims() {
        KvAsyncRepository<Order> orders = fx.kv.asyncRepository(Order.MODEL);
        join(orders.createWithKV(new Order("a1", "Oslo", Order.Status.NEW, BigDecimal.ONE, 1, "same@example.com")));
        assertThat(failure(orders.createWithKV(new Order("a2", "Oslo", Order.Status.NEW, BigDecimal.ONE, 1, "same@example.com"))))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(join(orders.findOneWithKV(Order.EMAIL.eq("same@example.com")))).map(Order::id).contains("a1");
    }
}
