package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** AND, OR and their distribution, without a server. */
class WhereTest {
    private static Object[] values(String city, Status status) {
        return Order.MODEL.values(new Order("o1", city, status, BigDecimal.ONE, 1, null));
    }

    @Test
    void anAndStaysOneConjunction() {
        Where<Order> w = Order.CITY.eq("Oslo").and(Order.STATUS.eq(Status.NEW));
        assertThat(w.isDisjunction()).isFalse();
        assertThat(w.alternatives()).containsExactly(w);
        assertThat(w.conditions()).hasSize(2);
        assertThat(w.test(values("Oslo", Status.NEW))).isTrue();
        assertThat(w.test(values("Oslo", Status.PAID))).isFalse();
    }

    @Test
    void anOrKeepsItsConjunctionsAndAnAndOverItDistributes() {
        Where<Order> w = Order.CITY.eq("Oslo").or(Order.CITY.eq("Rome")).and(Order.STATUS.eq(Status.PAID));
        assertThat(w.isDisjunction()).isTrue();
        assertThat(w.conditions()).isEmpty();
        assertThat(w.alternatives()).extracting(Where::toString)
                .containsExactly("city = [Oslo] AND status = [PAID]", "city = [Rome] AND status = [PAID]");
        assertThat(w.toString()).isEqualTo("(city = [Oslo] AND status = [PAID]) OR (city = [Rome] AND status = [PAID])");
        assertThat(w.test(values("Rome", Status.PAID))).isTrue();
        assertThat(w.test(values("Rome", Status.NEW))).isFalse();
        assertThat(w.test(values("Lima", Status.PAID))).isFalse();
        // (a OR b) AND (c OR d) has four conjunctions
        Where<Order> four = Order.CITY.eq("a").or(Order.CITY.eq("b")).and(Order.STATUS.eq(Status.NEW).or(Order.STATUS.eq(Status.PAID)));
        assertThat(four.alternatives()).hasSize(4);
    }

    @Test
    void aMissingOperandIsRefused() {
        assertThatThrownBy(() -> Order.CITY.eq("a").or(null)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> Order.CITY.eq("a").and(null)).isInstanceOf(InvalidValueException.class);
    }
}
