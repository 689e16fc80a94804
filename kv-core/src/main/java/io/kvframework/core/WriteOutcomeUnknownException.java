package io.kvframework.core;

/**
 * A write was sent but no reply came (the connection broke, or the command timed out). KV
 * Framework never re-sends it, and each write is atomic, so it was applied whole or not at all;
 * read the row to know. Its sibling {@link WriteNotAppliedException} means the write certainly did
 * not happen.
 */
public class WriteOutcomeUnknownException extends KvUnavailableException {
    public WriteOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
