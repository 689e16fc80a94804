package io.kvframework.core;

/** The row's version was not the expected one: someone else changed it first. */
public class OptimisticLockException extends NonTransientKvException {
    public OptimisticLockException(String message) {
        super(message);
    }

    public OptimisticLockException(String message, Throwable cause) {
        super(message, cause);
    }
}
