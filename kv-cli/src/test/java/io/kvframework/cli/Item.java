package io.kvframework.cli;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;

/** The application entity of the CLI tests (the CLI itself never sees it). */
public record Item(String id, String owner, long qty, long version) {
    public static final Column<Item, String> ID = Column.builder("id", String.class, Item::id).nullable(false).maxLength(100).build();
    public static final Column<Item, String> OWNER = Column.builder("owner", String.class, Item::owner).maxLength(100).build();
    public static final Column<Item, Long> QTY = Column.builder("qty", Long.class, Item::qty).nullable(false).build();

    public static final EntityModel<Item> MODEL = EntityModel.builder(Item.class, "items")
            .columns(ID, OWNER, QTY)
            .key(ID)
            .index("by_owner", OWNER)
            .factory(r -> new Item(r.get(ID), r.get(OWNER), r.get(QTY), r.version()))
            .build();
}
