package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.CITY;
import static io.kvframework.core.fixtures.Order.ID;
import static io.kvframework.core.fixtures.Order.QTY;
import static io.kvframework.core.fixtures.Order.STATUS;
import static io.kvframework.core.fixtures.Order.TOTAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvQuery;
import io.kvframework.core.KvRepository;
import io.kvframework.core.Where;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A property of countWithKV and ordered, paged queries: for random data with moves between index
 * values, deletes and saves that are not drained yet, and rows that left Redis, the answers equal
 * what SQL says of the same clause once everything is drained.
 */
@KvTest
class QueryPropertyIT {
    private static final String[] CITIES = {"a", "b", "c", "d"};

    @Test
    void countAndOrderedPagesAgreeWithSqlOnTheDrainedDatabase(RedisServer redis, DataSource db, TestNamespace ns) {
        try (KvFixture fx = new KvFixture(redis, db, ns, KvOptions.builder().shards(4))) {
            KvRepository<Order> orders = fx.kv.repository(Order.MODEL);
            for (long seed = 1; seed <= 6; seed++) {
                Random random = new Random(seed);
                String prefix = "s" + seed + "-";
                seedPrefix = "s" + seed;
                Map<String, Order> live = new HashMap<>();
                for (int op = 0; op < 150; op++) {
                    String id = prefix + random.nextInt(40);
                    Order current = live.get(id);
                    int kind = random.nextInt(10);
                    if (current == null) {
                        live.put(id, orders.createWithKV(order(id, random)));
                    } else if (kind < 4) {
                        live.put(id, orders.updateOneWithKV(CITY.set(city(random)), ID.eq(id)).orElseThrow());
                    } else if (kind < 6) {
                        live.put(id, orders.saveWithKV(order(id, random)));
                    } else if (kind < 8) {
                        orders.deleteOneWithKV(ID.eq(id));
                        live.remove(id);
                    } else if (kind == 8) {
                        fx.drain();
                    } else {
                        fx.drain();
                        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), current);
                    }
                }
                // every answer is taken before anything more is drained: moves, deletes and saves since the last drain count
                List<Object[]> answers = new java.util.ArrayList<>();
                for (int q = 0; q < 8; q++) {
                    String c1 = city(random);
                    String c2 = city(random);
                    Status st = status(random);
                    int form = random.nextInt(3);
                    Where<Order> where = form == 0 ? CITY.in(c1, c2) : form == 1 ? CITY.eq(c1).and(STATUS.eq(st))
                            : CITY.eq(c1).or(CITY.eq(c2).and(STATUS.eq(st)));
                    boolean byTotal = random.nextBoolean();
                    int offset = random.nextInt(5);
                    int limit = 1 + random.nextInt(10);
                    KvQuery<Order> query = orders.queryWithKV(where);
                    query = byTotal ? query.orderBy(TOTAL, KvQuery.Direction.DESC).orderBy(CITY)
                            : query.orderBy(STATUS).orderBy(QTY, KvQuery.Direction.DESC);
                    List<String> kv = query.offset(offset).limit(limit).list().stream().map(Order::id).toList();
                    String sqlWhere = form == 0 ? "city in ('" + c1 + "', '" + c2 + "')"
                            : form == 1 ? "city = '" + c1 + "' and status = '" + st + "'"
                            : "(city = '" + c1 + "' or (city = '" + c2 + "' and status = '" + st + "'))";
                    String order = byTotal ? "total desc, city asc, id asc" : "status asc, qty desc, id asc";
                    answers.add(new Object[] {where, kv, orders.countWithKV(where), orders.existsWithKV(where),
                        "select id from orders where " + sqlWhere + " order by " + order + " limit " + limit + " offset " + offset,
                        "select count(*) from orders where " + sqlWhere});
                }
                fx.drain();
                for (Object[] a : answers) {
                    List<String> sql = fx.dsl().fetch((String) a[4]).getValues(0, String.class);
                    long sqlCount = ((Number) fx.dsl().fetchValue((String) a[5])).longValue();
                    @SuppressWarnings("unchecked")
                    List<String> kv = (List<String>) a[1];
                    assertThat(kv).as("seed %d: %s", seed, a[0]).containsExactlyElementsOf(sql);
                    assertThat((long) a[2]).as("count of %s", a[0]).isEqualTo(sqlCount);
                    assertThat((boolean) a[3]).isEqualTo(sqlCount > 0);
                }
            }
        }
    }

    @Test
    void badPagingAndOrderingAreRefused(RedisServer redis, DataSource db, TestNamespace ns) {
        try (KvFixture fx = new KvFixture(redis, db, ns, KvOptions.builder().shards(4))) {
            KvRepository<Order> orders = fx.kv.repository(Order.MODEL);
            assertThatThrownBy(() -> orders.queryWithKV(CITY.eq("a")).limit(-1)).isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("limit must be >= 0");
            assertThatThrownBy(() -> orders.queryWithKV(CITY.eq("a")).offset(-3)).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> orders.queryWithKV(CITY.eq("a")).orderBy(null)).isInstanceOf(InvalidValueException.class);
            assertThat(orders.queryWithKV(CITY.eq("a")).limit(0).list()).isEmpty();
        }
    }

    private static Order order(String id, Random random) {
        // totals repeat on purpose, so that the key decides between equal values
        BigDecimal total = BigDecimal.valueOf(random.nextInt(6), 0).setScale(2);
        return new Order(id, city(random), status(random), total, random.nextInt(5), null);
    }

    /** This seed's cities: the seeds share the table, and a query of one seed must not see another's rows. */
    private static String city(Random random) {
        return seedPrefix + CITIES[random.nextInt(CITIES.length)];
    }

    private static String seedPrefix = "";

    private static Status status(Random random) {
        return Status.values()[random.nextInt(Status.values().length)];
    }
}
