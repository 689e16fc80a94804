package io.kvframework.core.spi;

/** A row read from the database: column values by model position, and its version. */
public record DbRow(Object[] values, long version) {
}
