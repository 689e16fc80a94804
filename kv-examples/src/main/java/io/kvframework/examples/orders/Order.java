package io.kvframework.examples.orders;

import io.kvframework.annotations.Column;
import io.kvframework.annotations.Indexed;
import io.kvframework.annotations.Json;
import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import io.kvframework.annotations.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order of the demo's order service. The annotation processor turns this declaration into
 * {@code OrderTable} (typed column constants and the entity model) and {@code OrderRepository}.
 *
 * @param id the order id (primary key)
 * @param customerId the customer; indexed, so {@code findAllWithKV(CUSTOMER_ID.eq(..))} is served by an index
 * @param status where the order is in its life; indexed
 * @param amount the total
 * @param currency ISO 4217 code
 * @param lines the order lines, stored as one JSON column
 * @param createdAt when the order was placed
 * @param version maintained by the library: 1 on create, +1 on every update
 */
@KvEntity(table = "orders")
public record Order(
        @Key @Column(maxLength = 64) String id,
        @Indexed @Column(name = "customer_id", nullable = false, maxLength = 64) String customerId,
        @Indexed Status status,
        @Column(precision = 12, scale = 2) BigDecimal amount,
        @Column(maxLength = 3) String currency,
        @Json List<LineItem> lines,
        @Column(name = "created_at") Instant createdAt,
        @Version long version) {

    /** The life of an order. */
    public enum Status { PLACED, PAID, SHIPPED }

    /** One line of an order. */
    public record LineItem(String sku, int quantity, BigDecimal price) {
    }
}
