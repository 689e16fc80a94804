package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.fixtures.Everything;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The order and paging of KvQuery, without a server. */
class KvQueryTest {
    private final List<Order> rows = List.of(
            new Order("o3", "Oslo", Status.PAID, new BigDecimal("5.00"), 1, null),
            new Order("o1", null, Status.NEW, new BigDecimal("5.0"), 3, null),
            new Order("o2", "Bergen", Status.SHIPPED, new BigDecimal("1.25"), 3, null),
            new Order("o10", "Oslo", Status.NEW, null, 2, null),
            new Order("o4", "bergen", Status.PAID, new BigDecimal("9"), 1, null));

    private KvQuery<Order> query() {
        return new KvQuery<>(Order.MODEL, () -> new ArrayList<>(rows));
    }

    private static List<String> ids(List<Order> orders) {
        return orders.stream().map(Order::id).toList();
    }

    @Test
    void withoutOrderByTheKeyDecides() {
        // text by UTF-16 code units: "o10" < "o2"
        assertThat(ids(query().list())).containsExactly("o1", "o10", "o2", "o3", "o4");
    }

    @Test
    void nullsComeFirstAscendingAndLastDescendingAndTheKeyBreaksTies() {
        assertThat(ids(query().orderBy(Order.CITY).list())).containsExactly("o1", "o2", "o10", "o3", "o4");
        assertThat(ids(query().orderBy(Order.CITY, KvQuery.Direction.DESC).list())).containsExactly("o4", "o10", "o3", "o2", "o1");
        // decimals by value: 5.0 and 5.00 are equal, so the key decides between o1 and o3
        assertThat(ids(query().orderBy(Order.TOTAL, KvQuery.Direction.DESC).list())).containsExactly("o4", "o1", "o3", "o2", "o10");
    }

    @Test
    void enumsOrderByTheirNamesAsTheDatabasesStoreThem() {
        // NEW < PAID < SHIPPED by name (by declaration order too here), then by quantity descending
        assertThat(ids(query().orderBy(Order.STATUS).orderBy(Order.QTY, KvQuery.Direction.DESC).list()))
                .containsExactly("o1", "o10", "o3", "o4", "o2");
    }

    @Test
    void offsetAndLimitPageTheOrderedRows() {
        assertThat(ids(query().orderBy(Order.QTY).offset(1).limit(2).list())).containsExactly("o4", "o10");
        assertThat(ids(query().offset(4).limit(10).list())).containsExactly("o4");
        assertThat(query().offset(9).list()).isEmpty();
        assertThat(query().limit(0).list()).isEmpty();
        assertThat(query().orderBy(Order.QTY, KvQuery.Direction.DESC).first()).map(Order::id).contains("o1");
    }

    @Test
    void eachTerminalCallReadsTheRowsOnce() {
        AtomicInteger reads = new AtomicInteger();
        KvQuery<Order> q = new KvQuery<>(Order.MODEL, () -> {
            reads.incrementAndGet();
            return rows;
        });
        q.list();
        q.first();
        assertThat(reads).hasValue(2);
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> query().limit(-1)).isInstanceOf(InvalidValueException.class).hasMessage("orders: limit must be >= 0, got -1");
        assertThatThrownBy(() -> query().offset(-1)).isInstanceOf(InvalidValueException.class).hasMessage("orders: offset must be >= 0, got -1");
        assertThatThrownBy(() -> query().orderBy(null)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> query().orderBy(Order.CITY, null)).isInstanceOf(InvalidValueException.class);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Column<Order, ?> foreign = (Column) Everything.S;
        assertThatThrownBy(() -> query().orderBy(foreign)).isInstanceOf(UnknownColumnException.class);
        assertThatThrownBy(() -> new KvQuery<>(Everything.MODEL, List::of).orderBy(Everything.BYTES))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("cannot be ordered by");
    }
}
