package io.kvframework.redis.sql;

/** A row read from the database: column values by model position, and its version. */
public record DbRow(Object[] values, long version) {
}
