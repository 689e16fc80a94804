package io.kvframework.core;

/**
 * The operation cannot succeed as asked, however often it is tried: bad input, a duplicate, a
 * query no index serves, a schema that does not fit. Nothing was changed.
 */
public class NonTransientKvException extends KvException {
    public NonTransientKvException(String message) {
        super(message);
    }

    public NonTransientKvException(String message, Throwable cause) {
        super(message, cause);
    }
}
