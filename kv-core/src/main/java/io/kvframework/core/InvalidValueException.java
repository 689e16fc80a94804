package io.kvframework.core;

/** A value that the entity model does not allow: null key, wrong type, too large, not nullable. */
public class InvalidValueException extends NonTransientKvException {
    public InvalidValueException(String message) {
        super(message);
    }

    public InvalidValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
