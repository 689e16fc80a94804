package io.kvframework.core;

/** Redis or the database could not be reached, or did not answer in time; nothing was changed unless the message says otherwise. */
public class KvUnavailableException extends KvException {
    public KvUnavailableException(String message) {
        super(message);
    }

    public KvUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
