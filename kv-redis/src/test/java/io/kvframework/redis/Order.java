package io.kvframework.redis;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import java.math.BigDecimal;
import java.time.Instant;

/** Test entity: 8 columns, a non-unique index, a composite index and a unique index. */
public record Order(String id, String city, Status status, BigDecimal total, int qty, String email, Instant createdAt,
        String note, long version) {

    public enum Status { NEW, PAID, SHIPPED }

    public Order(String id, String city, Status status, BigDecimal total, int qty, String email) {
        this(id, city, status, total, qty, email, Instant.parse("2026-01-02T03:04:05.123456Z"), null, 0);
    }

    public static final Column<Order, String> ID = Column.builder("id", String.class, Order::id).nullable(false).maxLength(200).build();
    public static final Column<Order, String> CITY = Column.builder("city", String.class, Order::city).build();
    public static final Column<Order, Status> STATUS = Column.builder("status", Status.class, Order::status).build();
    public static final Column<Order, BigDecimal> TOTAL = Column.builder("total", BigDecimal.class, Order::total).precision(12).scale(2).build();
    public static final Column<Order, Integer> QTY = Column.builder("qty", Integer.class, Order::qty).nullable(false).build();
    public static final Column<Order, String> EMAIL = Column.builder("email", String.class, Order::email).maxLength(200).build();
    public static final Column<Order, Instant> CREATED_AT = Column.builder("created_at", Instant.class, Order::createdAt).build();
    public static final Column<Order, String> NOTE = Column.builder("note", String.class, Order::note).build();

    public static final EntityModel<Order> MODEL = EntityModel.builder(Order.class, "orders")
            .columns(ID, CITY, STATUS, TOTAL, QTY, EMAIL, CREATED_AT, NOTE)
            .key(ID)
            .index("by_city", CITY)
            .index("by_city_status", CITY, STATUS)
            .uniqueIndex("by_email", EMAIL)
            .versionOf(Order::version)
            .factory(row -> new Order(row.get(ID), row.get(CITY), row.get(STATUS), row.get(TOTAL), row.get(QTY), row.get(EMAIL),
                    row.get(CREATED_AT), row.get(NOTE), row.version()))
            .build();

    public Order withVersion(long v) {
        return new Order(id, city, status, total, qty, email, createdAt, note, v);
    }
}
