package io.kvframework.core;

import java.util.List;

/**
 * A multi-row write ({@code createManyWithKV}, {@code updateWithKV}) in which some rows were not
 * written. Each row is written atomically on its own, so the call as a whole is not: like JDBC's
 * {@code BatchUpdateException}, this exception says, per row and in input order, whether it was
 * written, not written, or may or may not have been written (the connection broke while it was in
 * flight). Its cause is the first row's failure.
 */
public class PartialWriteException extends KvException {
    /** What became of one row. */
    public enum Status {
        /** Written (and acknowledged): it reaches the database like any other write. */
        WRITTEN,
        /** Not written: Redis, the stream and the database are unchanged for this row. */
        NOT_WRITTEN,
        /** Sent once and never re-sent, but no reply came: applied whole or not at all; read it to know. */
        UNKNOWN
    }

    /**
     * The outcome of one row.
     *
     * @param index the row's position in the input (for {@code updateWithKV}, among the matched rows)
     * @param status what became of it
     * @param entity the stored entity when written, else the entity as given (or as it was, for an update)
     * @param error why it was not written, or null when it was
     */
    public record RowOutcome(int index, Status status, Object entity, KvException error) {
    }

    private final List<RowOutcome> outcomes;

    public PartialWriteException(String message, List<RowOutcome> outcomes, Throwable cause) {
        super(message, cause);
        this.outcomes = List.copyOf(outcomes);
    }

    /** Every row's outcome, in input order. */
    public List<RowOutcome> outcomes() {
        return outcomes;
    }

    /** The rows with this status. */
    public List<RowOutcome> outcomes(Status status) {
        return outcomes.stream().filter(o -> o.status() == status).toList();
    }

    /** Builds the exception from per-row outcomes; {@code what} names the call and table. */
    public static PartialWriteException of(String what, List<RowOutcome> outcomes) {
        long written = outcomes.stream().filter(o -> o.status() == Status.WRITTEN).count();
        long unknown = outcomes.stream().filter(o -> o.status() == Status.UNKNOWN).count();
        long notWritten = outcomes.size() - written - unknown;
        KvException first = outcomes.stream().map(RowOutcome::error).filter(e -> e != null).findFirst().orElse(null);
        return new PartialWriteException(what + ": " + written + " of " + outcomes.size() + " rows written, " + notWritten + " not written, "
                + unknown + " unknown" + (first == null ? "" : "; first failure: " + first.getMessage()), outcomes, first);
    }
}
