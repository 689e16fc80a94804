package io.kvframework.core;

/**
 * A write certainly did not happen: Redis refused it (for example out of memory) or it was never
 * sent because the connection was down. Retrying it is safe. Its sibling
 * {@link WriteOutcomeUnknownException} is the case where that is not known.
 */
public class WriteNotAppliedException extends KvUnavailableException {
    public WriteNotAppliedException(String message, Throwable cause) {
        super(message, cause);
    }
}
