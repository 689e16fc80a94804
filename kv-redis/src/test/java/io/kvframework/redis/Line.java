package io.kvframework.redis;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;

/** Test entity with a composite primary key. */
public record Line(String orderId, String lineNo, String sku, int qty) {
    public static final Column<Line, String> ORDER_ID = Column.builder("order_id", String.class, Line::orderId).nullable(false).build();
    public static final Column<Line, String> LINE_NO = Column.builder("line_no", String.class, Line::lineNo).nullable(false).build();
    public static final Column<Line, String> SKU = Column.builder("sku", String.class, Line::sku).build();
    public static final Column<Line, Integer> QTY = Column.builder("qty", Integer.class, Line::qty).nullable(false).build();

    public static final EntityModel<Line> MODEL = EntityModel.builder(Line.class, "lines")
            .columns(ORDER_ID, LINE_NO, SKU, QTY)
            .key(ORDER_ID, LINE_NO)
            .index("by_sku", SKU)
            .factory(row -> new Line(row.get(ORDER_ID), row.get(LINE_NO), row.get(SKU), row.get(QTY)))
            .build();
}
