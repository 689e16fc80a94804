package io.kvframework.core.sink;

import io.kvframework.core.KvException;

/** A sink refused a batch because another instance now owns one of its shards (a newer fencing token). */
public class FencedException extends KvException {
    public FencedException(String message) {
        super(message);
    }
}
