package io.kvframework.core;

/**
 * The operation failed for a reason that may pass: a server unreachable or slow, a race lost to
 * concurrent writers. Trying the same call again later may succeed. (Spring's
 * {@code TransientDataAccessException} in spirit.)
 */
public class TransientKvException extends KvException {
    public TransientKvException(String message) {
        super(message);
    }

    public TransientKvException(String message, Throwable cause) {
        super(message, cause);
    }
}
