package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.CITY;
import static io.kvframework.core.fixtures.Order.ID;
import static io.kvframework.core.fixtures.Order.NOTE;
import static io.kvframework.core.fixtures.Order.QTY;
import static io.kvframework.core.fixtures.Order.TOTAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.Column;
import io.kvframework.core.InvalidValueException;
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
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** G8 and G9: bad input fails clearly and writes nothing; no key value can collide or steer. */
@KvTest
class BadInputIT {
    KvFixture fx;
    private KvRepository<Order> orders;
    private KvRepository<Line> lines;

    @BeforeEach
    void setUp(RedisServer redis, DataSource db, TestNamespace ns) {
        fx = fixture(redis, db, ns, KvOptions.builder().shards(8).maxValueLength(1000));
        orders = fx.kv.repository(Order.MODEL);
        lines = fx.kv.repository(Line.MODEL);
    }

    /** The fixture the tests run on; the cluster suite overrides it. */
    KvFixture fixture(RedisServer redis, DataSource db, TestNamespace ns, KvOptions.Builder options) {
        return new KvFixture(redis, db, ns, options);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private void assertNothingWritten() {
        assertThat(fx.redisKeys()).isZero();
        assertThat(fx.events()).isEmpty();
    }

    @Test
    void nullKeyIsRefused() {
        assertThatThrownBy(() -> orders.createWithKV(new Order(null, "Oslo", Status.NEW, BigDecimal.ONE, 1, null)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("orders.id").hasMessageContaining("must not be null");
        assertThatThrownBy(() -> lines.createWithKV(new Line("o", null, "s", 1)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("lines.line_no");
        assertThatThrownBy(() -> orders.createWithKV(null)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> ID.eq(null)).isInstanceOf(InvalidValueException.class).hasMessageContaining("isNull");
        assertNothingWritten();
    }

    @Test
    void oversizeValuesAreRefused() {
        String big = "x".repeat(1001);
        assertThatThrownBy(() -> orders.createWithKV(new Order("o1", big, Status.NEW, BigDecimal.ONE, 1, null)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("orders.city").hasMessageContaining("maxLength 255");
        assertThatThrownBy(() -> orders.createWithKV(new Order("x".repeat(201), "Oslo", Status.NEW, BigDecimal.ONE, 1, null)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("maxLength 200");
        assertNothingWritten();
        orders.createWithKV(new Order("o1", "Oslo", Status.NEW, BigDecimal.ONE, 1, null));
        assertThatThrownBy(() -> orders.updateOneWithKV(NOTE.set(big), ID.eq("o1"))).isInstanceOf(InvalidValueException.class);
        assertThat(fx.events()).hasSize(1);
    }

    /** A new row has no version yet: one that claims one is a row read earlier, created again by mistake. */
    @Test
    void createWithAVersionIsRefused() {
        assertThatThrownBy(() -> orders.createWithKV(new Order("o1", "Oslo", Status.NEW, BigDecimal.ONE, 1, null).withVersion(3)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("orders").hasMessageContaining("must have version 0, got 3");
        assertThatThrownBy(() -> orders.createManyWithKV(List.of(new Order("o2", "Oslo", Status.NEW, BigDecimal.ONE, 1, null),
                new Order("o3", "Oslo", Status.NEW, BigDecimal.ONE, 1, null).withVersion(1))))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("got 1");
        assertNothingWritten();
    }

    /** A value the database would round or refuse is refused when it is written, never changed later. */
    @Test
    void valuesTheDatabaseCannotHoldAsTheyAreAreRefused() {
        assertThatThrownBy(() -> orders.createWithKV(new Order("o1", "Oslo", Status.NEW, new BigDecimal("1.005"), 1, null)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("orders.total").hasMessageContaining("refused rather than rounded");
        assertThatThrownBy(() -> orders.createWithKV(new Order("o1", "Oslo", Status.NEW, new BigDecimal("12345678901"), 1, null)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("DECIMAL(12,2)");
        assertThatThrownBy(() -> orders.createWithKV(new Order("o1", "Oslo", Status.NEW, BigDecimal.ONE, 1, null,
                java.time.Instant.parse("0999-12-31T00:00:00Z"), null, 0))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("orders.created_at").hasMessageContaining("outside what the databases store");
        assertThatThrownBy(() -> orders.createWithKV(new Order("o1", "Oslo", Status.NEW, BigDecimal.ONE, 1, null,
                java.time.Instant.EPOCH, "a\u0000b", 0))).isInstanceOf(InvalidValueException.class).hasMessageContaining("NUL");
        assertNothingWritten();
        Order stored = orders.createWithKV(new Order("o1", "Oslo", Status.NEW, new BigDecimal("1.5"), 1, null));
        assertThat(stored.total()).isEqualTo(new BigDecimal("1.50"));
        assertThatThrownBy(() -> orders.updateOneWithKV(TOTAL.set(new BigDecimal("0.001")), ID.eq("o1")))
                .isInstanceOf(InvalidValueException.class);
        assertThat(fx.events()).hasSize(1);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void wrongTypesAreRefused() {
        Column raw = QTY;
        assertThatThrownBy(() -> raw.eq("seven")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("orders.qty").hasMessageContaining("Integer");
        assertThatThrownBy(() -> raw.set("seven")).isInstanceOf(InvalidValueException.class);
        assertNothingWritten();
    }

    @Test
    void whereClausesNoIndexCanServeAreRefusedNamingTheIndexes() {
        assertThatThrownBy(() -> orders.findAllWithKV(TOTAL.gt(BigDecimal.ONE)))
                .isInstanceOf(UnindexedQueryException.class)
                .hasMessageContaining("by_city (city)").hasMessageContaining("primary key (id)").hasMessageContaining("total");
        assertThatThrownBy(() -> orders.findAllWithKV(CITY.ne("Oslo"))).isInstanceOf(UnindexedQueryException.class);
        assertThatThrownBy(() -> orders.updateWithKV(QTY.set(1), NOTE.eq("x"))).isInstanceOf(UnindexedQueryException.class);
        assertThatThrownBy(() -> orders.deleteWithKV(NOTE.eq("x"))).isInstanceOf(UnindexedQueryException.class);
        assertNothingWritten();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void columnsOfOtherEntitiesAndUnknownNamesAreRefused() {
        Where foreign = Line.SKU.eq("x");
        assertThatThrownBy(() -> orders.findAllWithKV(foreign)).isInstanceOf(UnknownColumnException.class).hasMessageContaining("lines.sku");
        assertThatThrownBy(() -> Order.MODEL.column("nope")).isInstanceOf(UnknownColumnException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> fx.kv.repository("nope")).isInstanceOf(UnknownTableException.class);
        assertThatThrownBy(() -> orders.updateWithKV(ID.set("other"), CITY.eq("Oslo")))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("key columns cannot be updated");
        assertNothingWritten();
    }

    @Test
    void keysThatANaiveJoinWouldCollideStayDistinct() {
        List<Line> pairs = List.of(
                new Line("a:b", "c", "s1", 1), new Line("a", "b:c", "s2", 2),
                new Line("a%3Ab", "c", "s3", 3), new Line("a", "b%3Ac", "s4", 4),
                new Line("x y", "1", "s5", 5), new Line("x", "y 1", "s6", 6),
                new Line("{tag}", "}{", "s7", 7), new Line("{tag", "}", "s8", 8),
                new Line("ünï", "çødé ✓", "s9", 9), new Line("", "", "s10", 10));
        for (Line l : pairs) {
            lines.createWithKV(l);
        }
        for (Line l : pairs) {
            assertThat(lines.findOneWithKV(Line.ORDER_ID.eq(l.orderId()).and(Line.LINE_NO.eq(l.lineNo())))).contains(l);
        }
        assertThat(fx.events()).hasSize(pairs.size());
        // every row key carries exactly the shard's hash tag, whatever the key contains
        for (String key : fx.redis.keys("{" + fx.namespace + ":*:r:*")) {
            int close = key.indexOf('}');
            assertThat(key.substring(close + 1)).doesNotContain("{").doesNotContain("}").doesNotContain(" ");
        }
        assertThat(fx.redis.keys("{" + fx.namespace + ":*:r:lines:*")).hasSize(pairs.size());
    }

    @Test
    void indexValuesWithSeparatorsDoNotCollide() {
        orders.createWithKV(new Order("o1", "a:b", Status.NEW, BigDecimal.ONE, 1, null));
        orders.createWithKV(new Order("o2", "a", Status.NEW, BigDecimal.ONE, 1, null));
        orders.createWithKV(new Order("o3", "~", Status.NEW, BigDecimal.ONE, 1, null));
        orders.createWithKV(new Order("o4", null, Status.NEW, BigDecimal.ONE, 1, null));
        assertThat(orders.findAllWithKV(CITY.eq("a:b"))).extracting(Order::id).containsExactly("o1");
        assertThat(orders.findAllWithKV(CITY.eq("a"))).extracting(Order::id).containsExactly("o2");
        assertThat(orders.findAllWithKV(CITY.eq("~"))).extracting(Order::id).containsExactly("o3");
        assertThat(orders.findAllWithKV(CITY.isNull())).extracting(Order::id).containsExactly("o4");
    }
}
