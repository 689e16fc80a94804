package io.kvframework.analytics;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;

/** Test entity of the analytics tests. */
public record Trade(String id, String desk, long qty, long version) {
    public static final Column<Trade, String> ID = Column.builder("id", String.class, Trade::id).nullable(false).maxLength(100).build();
    public static final Column<Trade, String> DESK = Column.builder("desk", String.class, Trade::desk).maxLength(100).build();
    public static final Column<Trade, Long> QTY = Column.builder("qty", Long.class, Trade::qty).nullable(false).build();

    public static final EntityModel<Trade> MODEL = EntityModel.builder(Trade.class, "trades")
            .columns(ID, DESK, QTY)
            .key(ID)
            .index("by_desk", DESK)
            .factory(r -> new Trade(r.get(ID), r.get(DESK), r.get(QTY), r.version()))
            .build();
}
