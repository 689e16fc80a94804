package io.kvframework.core;

/** A table name that no registered entity has. */
public class UnknownTableException extends NonTransientKvException {
    public UnknownTableException(String message) {
        super(message);
    }

    public UnknownTableException(String message, Throwable cause) {
        super(message, cause);
    }
}
