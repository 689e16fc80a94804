package io.kvframework.core;

/**
 * A write was sent but no reply came (the connection broke, or the command timed out). KV
 * Framework never re-sends it, and each write is atomic, so it was applied whole or not at all;
 * read the row to know. A {@link KvUnavailableException} that is not of this type means the write
 * was not applied.
 */
public class WriteOutcomeUnknownException extends KvUnavailableException {
    public WriteOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
