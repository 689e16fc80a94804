package io.kvframework.core;

/** Column values of one stored row, handed to an {@link EntityFactory}. */
public interface Row {
    /** The value of a column (null when the column is null). */
    <T> T get(Column<?, T> column);

    /** The row version: 1 after the create, +1 for each change. */
    long version();
}
