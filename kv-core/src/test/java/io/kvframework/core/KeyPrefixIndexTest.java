package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.fixtures.Line;
import io.kvframework.core.fixtures.Order;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A composite key's leading parts are indexes of their own, so that a query may pin part of the key. */
class KeyPrefixIndexTest {

    record Cell(String sheet, String row, String col, String value) {
    }

    /** A column belongs to one model: each model gets its own. */
    private static EntityModel<Cell> cells(boolean declareSheetIndex) {
        Column<Cell, String> sheet = Column.builder("sheet", String.class, Cell::sheet).nullable(false).maxLength(50).build();
        Column<Cell, String> row = Column.builder("row_no", String.class, Cell::row).nullable(false).maxLength(10).build();
        Column<Cell, String> col = Column.builder("col_no", String.class, Cell::col).nullable(false).maxLength(10).build();
        Column<Cell, String> value = Column.builder("value", String.class, Cell::value).build();
        EntityModel.Builder<Cell> b = EntityModel.builder(Cell.class, "cells").columns(sheet, row, col, value).key(sheet, row, col)
                .factory(r -> new Cell(r.get(sheet), r.get(row), r.get(col), r.get(value)));
        if (declareSheetIndex) {
            b.index("by_sheet", sheet);
        }
        return b.build();
    }

    @Test
    void everyProperLeadingPartOfTheKeyGetsAnIndex() {
        assertThat(cells(false).indexes()).extracting(i -> i.name() + ":" + i.columnNames() + ":" + i.unique())
                .containsExactly("key_sheet:[sheet]:false", "key_sheet_row_no:[sheet, row_no]:false");
        assertThat(Line.MODEL.indexes()).extracting(IndexDefinition::name).containsExactly("by_sku", "key_order_id");
    }

    @Test
    void aDeclaredIndexOnTheSameColumnsIsNotRepeatedAndASingleColumnKeyHasNone() {
        assertThat(cells(true).indexes()).extracting(IndexDefinition::name).containsExactly("by_sheet", "key_sheet_row_no");
        assertThat(Order.MODEL.indexes()).extracting(IndexDefinition::name).doesNotContain("key_id");
    }

    @Test
    void theKeyColumnsCountAsIndexedForTheirLengthDefault() {
        EntityModel<Cell> model = cells(false);
        Column<Cell, ?> sheet = model.key().get(0);
        assertThat(model.indexes().get(0).columns()).isEqualTo(List.of(sheet));
        assertThat(sheet.indexed()).isTrue();
    }
}
