package io.kvframework.core;

/** A column name that the entity has not. */
public class UnknownColumnException extends NonTransientKvException {
    public UnknownColumnException(String message) {
        super(message);
    }

    public UnknownColumnException(String message, Throwable cause) {
        super(message, cause);
    }
}
