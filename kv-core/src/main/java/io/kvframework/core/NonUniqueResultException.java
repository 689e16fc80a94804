package io.kvframework.core;

/** A single-row operation whose where-clause matched several rows. */
public class NonUniqueResultException extends NonTransientKvException {
    public NonUniqueResultException(String message) {
        super(message);
    }

    public NonUniqueResultException(String message, Throwable cause) {
        super(message, cause);
    }
}
