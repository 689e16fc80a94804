package io.kvframework.core;

/** An entity declaration that cannot work: bad names, missing key, index on an unsupported type. */
public class InvalidModelException extends NonTransientKvException {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
