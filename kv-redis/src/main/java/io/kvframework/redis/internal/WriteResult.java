package io.kvframework.redis.internal;

import io.kvframework.redis.TableMode;

/**
 * The outcome of one row write, from Redis ({@link WriteReply} with the row decoded) or from the
 * database in database mode.
 *
 * @param mode the table's mode when {@code status} is {@link WriteStatus#TABLE_MODE}
 * @param values the row's values after the write, when known
 */
record WriteResult(WriteStatus status, long version, TableMode mode, Object[] values) {

    static WriteResult ok(long version, Object[] values) {
        return new WriteResult(WriteStatus.OK, version, null, values);
    }

    static WriteResult conflict() {
        return new WriteResult(WriteStatus.CONFLICT, -1, null, null);
    }
}
