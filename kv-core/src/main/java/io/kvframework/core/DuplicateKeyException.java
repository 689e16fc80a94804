package io.kvframework.core;

/** A create found the primary key, or a unique index value, already taken (in Redis or in the database). */
public class DuplicateKeyException extends NonTransientKvException {
    public DuplicateKeyException(String message) {
        super(message);
    }

    public DuplicateKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
