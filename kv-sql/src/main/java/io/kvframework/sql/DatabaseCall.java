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
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                throw new DuplicateKeyException(table + ": the database refused " + what + " as a duplicate: " + e.getMessage());
            }
            throw new KvUnavailableException("database failed while " + what + ": " + e.getMessage(), e);
        }
    }
}
