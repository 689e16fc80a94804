package io.kvframework.core;

/**
 * An update or delete lost {@code KvOptions.conflictRetries} races in a row to other writers of the
 * same row; nothing of it was applied. Trying again is safe.
 */
public class ConcurrentWriteException extends TransientKvException {
    public ConcurrentWriteException(String message) {
        super(message);
    }
}
