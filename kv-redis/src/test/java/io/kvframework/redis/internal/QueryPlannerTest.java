package io.kvframework.redis.internal;

import static io.kvframework.core.fixtures.Order.CITY;
import static io.kvframework.core.fixtures.Order.EMAIL;
import static io.kvframework.core.fixtures.Order.ID;
import static io.kvframework.core.fixtures.Order.QTY;
import static io.kvframework.core.fixtures.Order.STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.InvalidValueException;
import io.kvframework.core.UnindexedQueryException;
import io.kvframework.core.UnknownColumnException;
import io.kvframework.core.fixtures.Line;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How where-clauses are served, decided without a server. */
class QueryPlannerTest {
    private final QueryPlanner<Order> orders = new QueryPlanner<>(Order.MODEL);
    private final QueryPlanner<Line> lines = new QueryPlanner<>(Line.MODEL);

    @Test
    void pinnedKeysAreReadByKey() {
        QueryPlan plan = orders.plan(ID.in("o1", "o2").and(CITY.eq("Oslo")));
        assertThat(plan.empty()).isFalse();
        assertThat(plan.pks()).containsExactly("o1", "o2");
        assertThat(plan.index()).isNull();
    }

    @Test
    void aCompositeKeyIsTheProductOfItsPinnedParts() {
        QueryPlan plan = lines.plan(Line.ORDER_ID.eq("o1").and(Line.LINE_NO.in("1", "2")));
        assertThat(plan.pks()).hasSize(2);
        assertThat(plan.keys()).extracting(k -> k[1]).containsExactly("1", "2");
    }

    @Test
    void contradictionsMatchNothing() {
        assertThat(orders.plan(ID.eq("o1").and(ID.eq("o2"))).empty()).isTrue();
        assertThat(orders.plan(CITY.eq("Oslo").and(CITY.in("Bergen", "Molde"))).empty()).isTrue();
        assertThat(orders.plan(ID.isNull()).empty()).isTrue();
    }

    @Test
    void theIndexWithTheFewestCombinationsServes() {
        QueryPlan byCity = orders.plan(CITY.in("Oslo", "Bergen").and(QTY.eq(3)));
        assertThat(byCity.index().name()).isEqualTo("by_city");
        assertThat(byCity.tuples()).hasSize(2);
        QueryPlan both = orders.plan(CITY.eq("Oslo").and(STATUS.eq(Status.NEW)));
        assertThat(both.index().name()).isIn("by_city", "by_city_status");
        assertThat(both.tuples()).hasSize(1);
        assertThat(orders.plan(EMAIL.eq("a@x").and(CITY.eq("Oslo"))).index().unique()).as("a unique index wins a tie").isTrue();
    }

    @Test
    void isNullIsAnIndexValueToo() {
        QueryPlan plan = orders.plan(CITY.isNull());
        assertThat(plan.index().name()).isEqualTo("by_city");
        assertThat(plan.tuples()).containsExactly("~");
    }

    @Test
    void whatNoIndexServesIsRefusedNamingWhatWould() {
        assertThatThrownBy(() -> orders.plan(QTY.eq(3))).isInstanceOf(UnindexedQueryException.class)
                .hasMessageContaining("primary key (id)").hasMessageContaining("by_city (city)").hasMessageContaining("[qty]");
        assertThatThrownBy(() -> orders.plan(CITY.gt("A"))).isInstanceOf(UnindexedQueryException.class);
        assertThatThrownBy(() -> orders.plan(null)).isInstanceOf(UnindexedQueryException.class).hasMessageContaining("required");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void columnsOfOtherEntitiesAreRefused() {
        io.kvframework.core.Where foreign = Line.SKU.eq("x");
        assertThatThrownBy(() -> orders.plan(foreign)).isInstanceOf(UnknownColumnException.class).hasMessageContaining("lines.sku");
    }

    @Test
    void hugeInListProductsAreRefused() {
        List<String> many = IntStream.range(0, 200).mapToObj(Integer::toString).toList();
        assertThatThrownBy(() -> lines.plan(Line.ORDER_ID.in(many).and(Line.LINE_NO.in(many))))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("more than " + QueryPlanner.MAX_COMBINATIONS);
    }
}
