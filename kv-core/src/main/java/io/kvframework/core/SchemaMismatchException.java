package io.kvframework.core;

import java.util.List;

/**
 * The database tables do not fit the entity models: a column that cannot hold every value the
 * model accepts exactly (type, length, precision, collation, nullability), a missing column or
 * table, or another primary key. Thrown at start-up, before anything is written.
 */
public class SchemaMismatchException extends NonTransientKvException {
    private final List<String> problems;

    public SchemaMismatchException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** One line per difference, naming the table and column. */
    public List<String> problems() {
        return problems;
    }
}
