package io.kvframework.core;

/** A column name that the entity has not. */
public class UnknownColumnException extends KvException {
    public UnknownColumnException(String message) {
        super(message);
    }

    public UnknownColumnException(String message, Throwable cause) {
        super(message, cause);
    }
}
