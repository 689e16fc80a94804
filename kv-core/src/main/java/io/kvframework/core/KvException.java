package io.kvframework.core;

/** Base of every exception KV Framework throws on purpose. */
public class KvException extends RuntimeException {
    public KvException(String message) {
        super(message);
    }

    public KvException(String message, Throwable cause) {
        super(message, cause);
    }
}
