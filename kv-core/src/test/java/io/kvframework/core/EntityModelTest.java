package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntityModelTest {
    record Item(String id, BigDecimal price, Instant at, List<String> tags) {
    }

    private static Column<Item, String> id() {
        return Column.builder("id", String.class, Item::id).nullable(false).build();
    }

    @Test
    void refusesBadDeclarationsNamingTheProblem() {
        assertThatThrownBy(() -> EntityModel.builder(Item.class, "Items").columns(id()).key().factory(r -> null).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("table name 'Items'");
        Column<Item, String> c = id();
        assertThatThrownBy(() -> EntityModel.builder(Item.class, "items").columns(c).factory(r -> null).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("no primary key");
        Column<Item, BigDecimal> price = Column.builder("price", BigDecimal.class, Item::price).build();
        Column<Item, String> id2 = id();
        assertThatThrownBy(() -> EntityModel.builder(Item.class, "items").columns(id2, price).key(id2).index("by_price", price)
                .factory(r -> null).build()).isInstanceOf(InvalidModelException.class).hasMessageContaining("by_price");
        assertThatThrownBy(() -> Column.builder("version", String.class, Item::id).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> Column.builder("tags", List.class, Item::tags).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("JSON");
        Column<Item, String> nullableKey = Column.builder("id", String.class, Item::id).build();
        assertThatThrownBy(() -> EntityModel.builder(Item.class, "items").columns(nullableKey).key(nullableKey).factory(r -> null).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("not nullable");
    }

    @Test
    void validatesEntitiesForWriting() {
        Column<Item, String> c = id();
        EntityModel<Item> model = EntityModel.builder(Item.class, "items").columns(c).key(c)
                .factory(r -> new Item(r.get(c), null, null, null)).build();
        assertThatThrownBy(() -> model.validate(new Item(null, null, null, null)))
                .isInstanceOf(InvalidValueException.class).hasMessage("items.id: key column must not be null");
        assertThat(model.validate(new Item("a", null, null, null))).containsExactly("a");
        assertThat(model.column("id")).isSameAs(c);
        assertThatThrownBy(() -> model.column("nope")).isInstanceOf(UnknownColumnException.class).hasMessageContaining("[id]");
    }

    @Test
    void canonicalFormsRoundTripAndCompareLikeSql() {
        Column<Item, BigDecimal> price = Column.builder("price", BigDecimal.class, Item::price).build();
        // without a declared scale the canonical form has no trailing zeros; with one, exactly that scale
        assertThat(price.decode(price.encode(new BigDecimal("1.50")))).isEqualTo(new BigDecimal("1.5"));
        Column<Item, BigDecimal> money = Column.builder("money", BigDecimal.class, Item::price).precision(12).scale(2).build();
        assertThat(money.decode(money.encode(new BigDecimal("1.5")))).isEqualTo(new BigDecimal("1.50"));
        Condition eq = price.eq(new BigDecimal("1.5")).conditions().get(0);
        assertThat(eq.test(new BigDecimal("1.50"))).isTrue();
        assertThat(eq.test(null)).isFalse();
        Condition ne = price.ne(new BigDecimal("1.5")).conditions().get(0);
        assertThat(ne.test(null)).isFalse();
        Column<Item, Instant> at = Column.builder("at", Instant.class, Item::at).build();
        Instant nanos = Instant.parse("2026-01-01T00:00:00.123456789Z");
        assertThat(at.encode(nanos)).isEqualTo("2026-01-01T00:00:00.123456Z");
        assertThat(at.lt(nanos).conditions().get(0).test(Instant.parse("2025-12-31T23:59:59Z"))).isTrue();
        assertThatThrownBy(() -> price.decode("abc")).isInstanceOf(InvalidValueException.class).hasMessageContaining("DECIMAL");
    }

    @Test
    void changeEventsReadTheirOwnFormatAndRefuseForeignEntries() {
        ChangeEvent e = new ChangeEvent("items", ChangeEvent.Op.UPDATE, "a%3Ab", 3, 1700000000000L, java.util.Map.of("id", "a:b"));
        assertThat(ChangeEvent.fromStreamEntry(e.toStreamEntry())).isEqualTo(e);
        assertThatThrownBy(() -> ChangeEvent.fromStreamEntry(java.util.Map.of("hello", "world")))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("not a KV change event");
        var bad = new java.util.HashMap<>(e.toStreamEntry());
        bad.put("row", "[1,2]");
        assertThatThrownBy(() -> ChangeEvent.fromStreamEntry(bad)).isInstanceOf(InvalidValueException.class);
        bad.put("row", "{}");
        bad.put("op", "x");
        assertThatThrownBy(() -> ChangeEvent.fromStreamEntry(bad)).isInstanceOf(InvalidValueException.class).hasMessageContaining("'x'");
    }
}
