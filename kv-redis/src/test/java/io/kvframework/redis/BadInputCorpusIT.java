package io.kvframework.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kvframework.core.Column;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvException;
import io.kvframework.core.KvRepository;
import io.kvframework.core.UnindexedQueryException;
import io.kvframework.core.UnknownColumnException;
import io.kvframework.core.UnknownTableException;
import io.kvframework.core.Where;
import io.kvframework.core.fixtures.Line;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * G8 as a table: every malformed entity, key, value, where-clause and oversize payload gets a
 * specific exception whose message names the problem, and leaves Redis exactly as it was — every
 * row hash, index set, claim and stream entry.
 */
@KvTest
class BadInputCorpusIT {
    KvFixture fx;

    /** What a case may touch. */
    record Repos(KvClient kv, KvRepository<Order> orders, KvRepository<Line> lines) {
    }

    @BeforeEach
    void setUp(RedisServer redis, DataSource db, TestNamespace ns) {
        fx = new KvFixture(redis, db, ns, KvOptions.builder().shards(8).maxValueLength(1000));
        KvRepository<Order> orders = fx.kv.repository(Order.MODEL);
        orders.createWithKV(new Order("o1", "Oslo", Status.NEW, BigDecimal.ONE, 1, "a@example.com"));
        orders.createWithKV(new Order("o2", "Rome", Status.PAID, BigDecimal.TEN, 2, "b@example.com"));
        fx.kv.repository(Line.MODEL).createWithKV(new Line("o1", "1", "sku-1", 3));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    static Stream<Arguments> corpus() {
        String big = "x".repeat(1001);
        Column<Order, Integer> qty = Order.QTY;
        @SuppressWarnings({"unchecked", "rawtypes"})
        Column<Order, Object> untypedQty = (Column) Order.QTY;
        return Stream.of(
                bad("null entity", r -> r.orders().createWithKV(null), InvalidValueException.class, "null"),
                bad("null key", r -> r.orders().createWithKV(order(null, "Oslo")), InvalidValueException.class, "orders.id"),
                bad("null part of a composite key", r -> r.lines().createWithKV(new Line("o9", null, "s", 1)), InvalidValueException.class,
                        "lines.line_no"),
                bad("key longer than maxLength", r -> r.orders().createWithKV(order("k".repeat(201), "Oslo")), InvalidValueException.class,
                        "maxLength 200"),
                bad("value longer than maxValueLength", r -> r.orders().createWithKV(order("o9", big)), InvalidValueException.class,
                        "orders.city"),
                bad("NUL character in a value", r -> r.orders().createWithKV(order("o9", "Os\u0000lo")), InvalidValueException.class,
                        "NUL"),
                bad("NUL character in a key", r -> r.orders().createWithKV(order("o\u00009", "Oslo")), InvalidValueException.class, "NUL"),
                bad("unpaired surrogate in a value", r -> r.orders().createWithKV(order("o9", "Os\uD800lo")), InvalidValueException.class,
                        "surrogate"),
                bad("one bad entity in a batch", r -> r.orders().createManyWithKV(List.of(order("o7", "Oslo"), order("o8", big))),
                        InvalidValueException.class, "orders.city"),
                bad("oversize value in an update", r -> r.orders().updateOneWithKV(Order.NOTE.set(big), Order.ID.eq("o1")),
                        InvalidValueException.class, "orders.note"),
                bad("null into a NOT NULL column", r -> r.orders().updateOneWithKV(qty.set(null), Order.ID.eq("o1")),
                        InvalidValueException.class, "orders.qty"),
                bad("update of a key column", r -> r.orders().updateWithKV(Order.ID.set("o5"), Order.CITY.eq("Oslo")),
                        InvalidValueException.class, "key columns cannot be updated"),
                bad("wrong type in a where-clause", r -> r.orders().findAllWithKV(untypedQty.eq("seven")), InvalidValueException.class,
                        "orders.qty"),
                bad("wrong type in an update", r -> r.orders().updateOneWithKV(untypedQty.set("seven"), Order.ID.eq("o1")),
                        InvalidValueException.class, "orders.qty"),
                bad("eq(null) instead of isNull", r -> r.orders().findAllWithKV(Order.CITY.eq(null)), InvalidValueException.class,
                        "isNull"),
                bad("where no index serves", r -> r.orders().findAllWithKV(Order.TOTAL.gt(BigDecimal.ONE)), UnindexedQueryException.class,
                        "by_city (city)"),
                bad("update where no index serves", r -> r.orders().updateWithKV(Order.QTY.set(5), Order.NOTE.eq("x")),
                        UnindexedQueryException.class, "note"),
                bad("delete where no index serves", r -> r.orders().deleteWithKV(Order.NOTE.eq("x")), UnindexedQueryException.class,
                        "note"),
                bad("column of another entity", r -> r.orders().findAllWithKV(foreign()), UnknownColumnException.class, "lines.sku"),
                bad("unknown table", r -> r.kv().repository("nope"), UnknownTableException.class, "nope"),
                bad("negative expected version", r -> r.orders().updateOneWithKV(Order.QTY.set(3), Order.ID.eq("o1"), -5),
                        InvalidValueException.class, "version"));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Where<Order> foreign() {
        return (Where) Line.SKU.eq("x");
    }

    private static Order order(String id, String city) {
        return new Order(id, city, Status.NEW, BigDecimal.ONE, 1, null);
    }

    private static Arguments bad(String name, Consumer<Repos> action, Class<? extends KvException> type, String names) {
        return Arguments.of(name, action, type, names);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusedWithASpecificExceptionAndNothingChanges(String name, Consumer<Repos> action, Class<? extends KvException> type,
            String names) {
        Map<String, String> before = snapshot();
        Throwable thrown = catchThrowable(() -> action.accept(new Repos(fx.kv, fx.kv.repository(Order.MODEL), fx.kv.repository(Line.MODEL))));
        assertThat(thrown).as(name).isInstanceOf(type).hasMessageContaining(names);
        assertThat(snapshot()).as("Redis after: " + name).isEqualTo(before);
    }

    /** Every key of the namespace with its whole content. */
    private Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        for (String key : fx.redis.keys("{" + fx.namespace + ":*")) {
            String type = fx.redis.type(key);
            String content = switch (type) {
                case "hash" -> new TreeMap<>(fx.redis.hgetall(key)).toString();
                case "set" -> new java.util.TreeSet<>(fx.redis.smembers(key)).toString();
                case "zset" -> fx.redis.zrangeWithScores(key, 0, -1).toString();
                case "stream" -> fx.redis.xlen(key) + " entries";
                case "string" -> String.valueOf(fx.redis.strlen(key)) + " bytes, " + Integer.toHexString(String.valueOf(fx.redis.get(key)).hashCode());
                default -> type;
            };
            out.put(key, type + " " + content);
        }
        return out;
    }
}
