package io.kvframework.core;

/** A table name that no registered entity has. */
public class UnknownTableException extends KvException {
    public UnknownTableException(String message) {
        super(message);
    }

    public UnknownTableException(String message, Throwable cause) {
        super(message, cause);
    }
}
