package io.kvframework.core;

/** A where-clause that neither the primary key nor any index can serve. */
public class UnindexedQueryException extends NonTransientKvException {
    public UnindexedQueryException(String message) {
        super(message);
    }

    public UnindexedQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
