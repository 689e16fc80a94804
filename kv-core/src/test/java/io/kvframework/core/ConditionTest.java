package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * How a row found in Redis is re-checked against a where-clause: the same answers the database
 * gives (SQL null semantics, decimals by value, times at the stored precision).
 */
class ConditionTest {
    record Item(String id, String city, BigDecimal price, Instant at, byte[] blob, long version) {
    }

    static final Column<Item, String> ID = Column.builder("id", String.class, Item::id).nullable(false).build();
    static final Column<Item, String> CITY = Column.builder("city", String.class, Item::city).build();
    static final Column<Item, BigDecimal> PRICE = Column.builder("price", BigDecimal.class, Item::price).precision(10).scale(2).build();
    static final Column<Item, Instant> AT = Column.builder("at", Instant.class, Item::at).build();
    static final Column<Item, byte[]> BLOB = Column.builder("blob", byte[].class, Item::blob).build();
    static final EntityModel<Item> MODEL = EntityModel.builder(Item.class, "items").columns(ID, CITY, PRICE, AT, BLOB).key(ID)
            .index("by_city", CITY).factory(r -> new Item(r.get(ID), r.get(CITY), r.get(PRICE), r.get(AT), r.get(BLOB), r.version()))
            .build();

    private static Condition only(Where<Item> where) {
        assertThat(where.conditions()).hasSize(1);
        return where.conditions().get(0);
    }

    @Test
    void nullMatchesOnlyIsNull() {
        assertThat(only(CITY.isNull()).test(null)).isTrue();
        assertThat(only(CITY.isNotNull()).test(null)).isFalse();
        assertThat(only(CITY.eq("Oslo")).test(null)).isFalse();
        assertThat(only(CITY.ne("Oslo")).test(null)).as("SQL: NULL <> 'Oslo' is not true").isFalse();
        assertThat(only(CITY.in("Oslo", "Bergen")).test(null)).isFalse();
    }

    @Test
    void decimalsCompareByValueAtTheColumnsScale() {
        assertThat(only(PRICE.eq(new BigDecimal("1.5"))).test(new BigDecimal("1.50"))).isTrue();
        assertThat(only(PRICE.in(new BigDecimal("2"), new BigDecimal("1.5"))).test(new BigDecimal("1.50"))).isTrue();
        assertThat(only(PRICE.gt(new BigDecimal("1.49"))).test(new BigDecimal("1.50"))).isTrue();
        assertThat(only(PRICE.le(new BigDecimal("1.5"))).test(new BigDecimal("1.50"))).isTrue();
        assertThat(only(PRICE.lt(new BigDecimal("1.5"))).test(new BigDecimal("1.50"))).isFalse();
    }

    @Test
    void timesCompareAtMicroseconds() {
        Instant stored = Instant.parse("2026-01-01T00:00:00.123456Z");
        assertThat(only(AT.eq(Instant.parse("2026-01-01T00:00:00.123456789Z"))).test(stored)).as("nanoseconds are not stored")
                .isTrue();
        assertThat(only(AT.ge(stored)).test(stored)).isTrue();
        assertThat(only(AT.gt(stored)).test(stored)).isFalse();
    }

    @Test
    void bytesCompareByContent() {
        assertThat(only(BLOB.eq(new byte[] {1, 2})).test(new byte[] {1, 2})).isTrue();
        assertThat(only(BLOB.ne(new byte[] {1, 2})).test(new byte[] {1, 3})).isTrue();
    }

    @Test
    void aWhereClauseMatchesWhenEveryConditionDoes() {
        Where<Item> where = CITY.eq("Oslo").and(PRICE.ge(new BigDecimal("10")));
        assertThat(where.conditions()).hasSize(2);
        assertThat(where.conditions()).allMatch(c -> c.column() == CITY ? c.test("Oslo") : c.test(new BigDecimal("12.00")));
        assertThat(where.toString()).contains("city = [Oslo]").contains("price >= [10]");
    }

    @Test
    void comparisonsAreRefusedWhereTheyMeanNothing() {
        assertThatThrownBy(() -> BLOB.gt(new byte[] {1})).isInstanceOf(InvalidValueException.class).hasMessageContaining("not defined");
        assertThatThrownBy(() -> PRICE.eq(new BigDecimal("1.001"))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("refused rather than rounded");
        assertThatThrownBy(() -> CITY.eq(null)).isInstanceOf(InvalidValueException.class).hasMessageContaining("isNull");
    }
}
