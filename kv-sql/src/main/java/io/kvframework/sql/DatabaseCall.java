package io.kvframework.sql;

import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.KvUnavailableException;
import java.util.function.Supplier;
import org.jooq.exception.DataAccessException;

/** Runs one database call of the data plane, classifying its failure by SQLState class. */
final class DatabaseCall {
    private DatabaseCall() {
    }

    /**
     * @throws DuplicateKeyException on an integrity-constraint violation (SQLState class 23)
     * @throws KvUnavailableException on any other database failure
     */
    static <T> T run(String table, Supplier<T> query, String what) {
        try {
            return query.get();
        } catch (DataAccessException e) {
            throw failure(table, e.sqlState(), e, what);
        }
    }

    /** The exception of a failed database call: a duplicate for SQLState class 23, otherwise the database is unavailable. */
    static RuntimeException failure(String table, String sqlState, Exception e, String what) {
        if (sqlState != null && sqlState.startsWith("23")) {
            return new DuplicateKeyException(table + ": the database refused " + what + " as a duplicate: " + e.getMessage());
        }
        return new KvUnavailableException("database failed while " + what + ": " + e.getMessage(), e);
    }
}
