package io.kvframework.core;

/**
 * Redis or the database could not be reached, or did not answer in time. For a write, the subtype
 * says what happened: {@link WriteNotAppliedException} (certainly not applied) or
 * {@link WriteOutcomeUnknownException} (sent, no reply: applied whole or not at all). A read
 * changed nothing.
 */
public class KvUnavailableException extends TransientKvException {
    public KvUnavailableException(String message) {
        super(message);
    }

    public KvUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
