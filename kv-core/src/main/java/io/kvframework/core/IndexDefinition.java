package io.kvframework.core;

import java.util.List;

/** A secondary index: its name, its columns in order, whether it is unique. */
public record IndexDefinition(String name, List<Column<?, ?>> columns, boolean unique) {
    public IndexDefinition {
        columns = List.copyOf(columns);
    }

    /** Column names, in order. */
    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }
}
